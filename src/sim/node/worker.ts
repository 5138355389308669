/**
 * Worker-thread entry: runs ranges of replications for the pool in ./pool.ts. Loaded only from the
 * compiled package (dist/sim/node/worker.js); each result is exactly what the same replication
 * gives in the main thread, because streams derive from (seed, replication) alone.
 */
import { parentPort } from 'node:worker_threads';
import { JobEngine } from '../engine.js';
import type { JobModel } from '../job.js';

export interface WorkerTask {
  id: number;
  job: JobModel;
  seed: number;
  from: number;
  to: number;
}

const port = parentPort;
if (port) {
  port.on('message', (task: WorkerTask) => {
    const engine = new JobEngine(task.job);
    for (let r = task.from; r < task.to; r++) {
      port.postMessage({ id: task.id, replication: r, result: engine.run(task.seed, r) });
    }
    port.postMessage({ id: task.id, done: true });
  });
}
