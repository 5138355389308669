/**
 * Runs a sweep's points across worker threads (Node only; not part of the pure src/sweep index).
 * Workers load the compiled `worker.js` next to this file; from TypeScript sources (vitest, tsx)
 * there is none, and the points run in this thread instead. Either way the lines are identical
 * and are delivered in the order of `points`: a row depends only on the sweep and the point.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { serializeRow } from '../row.js';
import { runPoint } from '../run-point.js';
import type { Sweep } from '../types.js';
import type { SweepTask, SweepTaskResult } from './worker.js';

export interface SweepPoolOptions {
  /** Worker threads; default: the machine's available parallelism. 1 runs in this thread. */
  threads?: number;
  /** The worker script; default: the compiled worker.js beside this module, when there is one. */
  workerUrl?: URL;
  /** Called after each point completes, with how many are done. */
  onProgress?: (done: number, total: number) => void;
}

export interface PoolRun {
  /** Threads that computed points (1 when in this thread). */
  threads: number;
  usesWorkers: boolean;
}

/** The compiled worker next to this module, or undefined when running from .ts sources. */
export function compiledSweepWorkerUrl(): URL | undefined {
  return import.meta.url.endsWith('.js') ? new URL('./worker.js', import.meta.url) : undefined;
}

/** Points per task handed to a worker: small enough to balance, large enough to amortise messages. */
function chunkSize(points: number, threads: number): number {
  return Math.max(1, Math.min(16, Math.ceil(points / (threads * 8))));
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Compute `points` of `sweep` and hand each serialized row to `onLine`, in the order of `points`.
 * Rejects if a worker fails (a bug: rows never fail by throwing).
 */
export async function runSweepPoints(
  sweep: Sweep,
  points: readonly number[],
  onLine: (line: string, point: number) => void,
  options: SweepPoolOptions = {},
): Promise<PoolRun> {
  const wanted = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const url = options.workerUrl ?? compiledSweepWorkerUrl();
  const threads = Math.min(wanted, Math.max(1, points.length));
  if (threads <= 1 || url === undefined) {
    let last = performance.now();
    for (let i = 0; i < points.length; i++) {
      const k = points[i] as number;
      onLine(serializeRow(runPoint(sweep, k)), k);
      options.onProgress?.(i + 1, points.length);
      if (performance.now() - last > 50) {
        await yieldToEventLoop(); // let a progress bar draw and signals arrive
        last = performance.now();
      }
    }
    return { threads: 1, usesWorkers: false };
  }

  const size = chunkSize(points.length, threads);
  const tasks: number[][] = [];
  for (let i = 0; i < points.length; i += size) tasks.push(points.slice(i, i + size));
  const answered = new Array<string[] | undefined>(tasks.length);
  let nextTask = 0;
  let nextToEmit = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: unknown): void => {
        if (!failed) {
          failed = true;
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
      const dispatch = (w: Worker): void => {
        if (nextTask >= tasks.length) return;
        const task: SweepTask = { task: nextTask, points: tasks[nextTask] as number[] };
        nextTask++;
        w.postMessage(task);
      };
      for (let t = 0; t < threads; t++) {
        const w = new Worker(url, { workerData: sweep });
        workers.push(w);
        w.on('message', (msg: SweepTaskResult) => {
          if (failed) return;
          answered[msg.task] = msg.lines;
          done += msg.lines.length;
          // Emit every finished task at the head of the queue, in order.
          while (nextToEmit < tasks.length) {
            const lines = answered[nextToEmit];
            if (!lines) break;
            const ks = tasks[nextToEmit] as number[];
            try {
              lines.forEach((line, j) => onLine(line, ks[j] as number));
            } catch (err) {
              fail(err);
              return;
            }
            answered[nextToEmit] = undefined;
            nextToEmit++;
          }
          options.onProgress?.(done, points.length);
          if (nextToEmit === tasks.length) resolve();
          else dispatch(w);
        });
        w.on('error', fail);
        w.on('exit', (code) => {
          if (nextToEmit < tasks.length) fail(new Error(`sweep worker exited with code ${code} before the sweep finished`));
        });
        dispatch(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { threads, usesWorkers: true };
}
