import CampaignWorker from './worker.ts?worker&inline';

/** The campaign worker inlined into the page (the static build: a file:// page may not fetch a worker file). */
export function newCampaignWorker(): Worker {
  return new CampaignWorker();
}
