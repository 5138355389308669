/**
 * Worker-thread entry for the sweep pool in ./pool.ts. Loaded only from the compiled package
 * (dist/sweep/node/worker.js). Receives the sweep once (workerData) and then lists of points; the
 * lines it answers are exactly what the main thread computes for the same points.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runPoint } from '../run-point.js';
import { serializeRow } from '../row.js';
import type { Sweep } from '../types.js';

export interface SweepTask {
  task: number;
  points: number[];
}

export interface SweepTaskResult {
  task: number;
  lines: string[];
}

/** Sent once the worker's modules are loaded: only then does the pool hand it tasks. */
export interface SweepWorkerReady {
  ready: true;
}

const port = parentPort;
const sweep = workerData as Sweep | undefined;
if (port && sweep) {
  port.on('message', (t: SweepTask) => {
    const lines = t.points.map((k) => serializeRow(runPoint(sweep, k)));
    const answer: SweepTaskResult = { task: t.task, lines };
    port.postMessage(answer);
  });
  const ready: SweepWorkerReady = { ready: true };
  port.postMessage(ready);
}
