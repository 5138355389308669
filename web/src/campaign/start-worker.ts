import CampaignWorker from './worker.ts?worker';

/**
 * The campaign worker for the served dashboard: its own file, fetched when a run starts (the page's
 * bundle does not carry the campaign core twice). The static build swaps this module for
 * start-worker-inline.ts (web/vite.static.config.ts): a file:// page may not fetch a worker.
 */
export function newCampaignWorker(): Worker {
  return new CampaignWorker();
}
