/**
 * Worker-thread entry: runs ranges of replications for the pool in ./pool.ts. Loaded only from the
 * compiled package (dist/sim/node/worker.js); each result is exactly what the same replication
 * gives in the main thread, because streams derive from (seed, replication) alone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { JobEngine } from '../engine.js';
import type { JobModel, ReplicationResult } from '../job.js';

export interface WorkerTask {
  id: number;
  job: JobModel;
  seed: number;
  from: number;
  to: number;
}

/** The messages a worker answers a task with: one per replication, then `done`. */
export type WorkerMessage = { id: number; replication: number; result: ReplicationResult } | { id: number; done: true };

/** The side of a message channel the worker listens on (`parentPort` in a worker thread). */
export interface TaskPort {
  on(event: 'message', listener: (task: WorkerTask) => void): unknown;
  postMessage(message: WorkerMessage): void;
}

/** Answer each task on `port` (none outside a worker thread) with its replications, in order, then `done`. */
export function serveReplications(port: TaskPort | null): void {
  if (port) {
    port.on('message', (task: WorkerTask) => {
      const engine = new JobEngine(task.job);
      for (let r = task.from; r < task.to; r++) {
        port.postMessage({ id: task.id, replication: r, result: engine.run(task.seed, r) });
      }
      port.postMessage({ id: task.id, done: true });
    });
  }
}

/** What the pool passes as `workerData`, so that only its own threads serve replications. */
export const REPLICATION_WORKER = 'colossus-sim-replications';

// Only in a thread the pool started: this module is also imported by threads that are not its
// workers (a test runner's worker threads), where `parentPort` carries someone else's messages.
if (workerData === REPLICATION_WORKER) serveReplications(parentPort);
