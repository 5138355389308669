import type { CampaignMessage, CampaignRequest } from './protocol.js';
import { playScenario } from './play-scenario.js';

/** The campaign worker: plays a scenario off the page's thread (seconds of work), reporting each stage. */
const post = (m: CampaignMessage): void => self.postMessage(m);

self.addEventListener('message', (e: MessageEvent<CampaignRequest>) => {
  const { text, fileName, seed } = e.data;
  const t0 = performance.now();
  try {
    const r = playScenario(text, fileName, seed, (stage, index, total) => post({ type: 'progress', stage, index, total }));
    if (r.ok) post({ type: 'done', run: r.run, elapsedS: (performance.now() - t0) / 1000 });
    else post({ type: 'issues', issues: r.issues });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
