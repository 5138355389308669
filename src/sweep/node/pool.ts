/**
 * Runs a sweep's points across threads (Node only; not part of the pure src/sweep index).
 *
 * With `threads` = T, T − 1 worker threads and this thread take tasks (a few points each) from
 * one queue, so starting the workers (module loading, a cold JIT: a fraction of a second) never
 * makes a sweep slower than running it here: small sweeps finish in this thread before the
 * workers are up. Workers load the compiled `worker.js` next to this file; from TypeScript
 * sources (vitest, tsx) there is none, and everything runs in this thread. Either way the lines
 * are identical and are delivered in the order of `points`: a row depends only on the sweep and
 * the point.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { serializeRow } from '../row.js';
import { runPoint } from '../run-point.js';
import type { Sweep } from '../types.js';
import type { SweepTask, SweepTaskResult, SweepWorkerReady } from './worker.js';

export interface SweepPoolOptions {
  /** Threads, this one included; default: the machine's available parallelism. 1 runs in this thread only. */
  threads?: number;
  /** The worker script; default: the compiled worker.js beside this module, when there is one. */
  workerUrl?: URL;
  /** Whether this thread computes points too (default true; false leaves them all to the workers, for tests). */
  inThreadToo?: boolean;
  /** Called after each point completes, with how many are done. */
  onProgress?: (done: number, total: number) => void;
}

export interface PoolRun {
  /** Threads that could compute points (this one included when it did). */
  threads: number;
  /** Whether worker threads were started. */
  usesWorkers: boolean;
  /** Points computed by worker threads (the rest ran in this thread). */
  pointsOnWorkers: number;
}

/** The compiled worker next to this module, or undefined when running from .ts sources. */
export function compiledSweepWorkerUrl(): URL | undefined {
  return import.meta.url.endsWith('.js') ? new URL('./worker.js', import.meta.url) : undefined;
}

/** Points per task: small enough to balance, large enough to amortise messages. */
function chunkSize(points: number, threads: number): number {
  return Math.max(1, Math.min(8, Math.ceil(points / (threads * 8))));
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
  const inThread = options.inThreadToo ?? true;
  const workerCount = url === undefined ? 0 : Math.min(inThread ? wanted - 1 : wanted, points.length);
  const size = chunkSize(points.length, workerCount + (inThread ? 1 : 0));
  const tasks: number[][] = [];
  for (let i = 0; i < points.length; i += size) tasks.push(points.slice(i, i + size));
  const answered = new Array<string[] | undefined>(tasks.length);
  let nextTask = 0;
  let nextToEmit = 0;
  let done = 0;
  let pointsOnWorkers = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;

  /** Record a finished task and emit every finished task at the head of the queue, in order. */
  const finished = new Array<boolean>(tasks.length).fill(false);
  const finish = (task: number, lines: string[]): void => {
    if (finished[task]) return; // a backup copy finished first (see below)
    finished[task] = true;
    answered[task] = lines;
    done += lines.length;
    while (nextToEmit < tasks.length) {
      const ready = answered[nextToEmit];
      if (!ready) break;
      const ks = tasks[nextToEmit] as number[];
      ready.forEach((line, j) => onLine(line, ks[j] as number));
      answered[nextToEmit] = undefined;
      nextToEmit++;
    }
    options.onProgress?.(done, points.length);
  };
  const fail = (err: unknown): void => {
    failure ??= err instanceof Error ? err : new Error(String(err));
    wake?.();
  };

  const workers: Worker[] = [];
  const dispatch = (w: Worker): void => {
    if (failure || nextTask >= tasks.length) return;
    const task: SweepTask = { task: nextTask, points: tasks[nextTask] as number[] };
    nextTask++;
    w.postMessage(task);
  };
  for (let t = 0; t < workerCount; t++) {
    const w = new Worker(url as URL, { workerData: sweep });
    workers.push(w);
    // A worker gets its first task only once it is ready: until then this thread keeps computing.
    w.on('message', (msg: SweepTaskResult | SweepWorkerReady) => {
      if (failure) return;
      if ('ready' in msg) {
        dispatch(w);
        return;
      }
      if (!finished[msg.task]) pointsOnWorkers += msg.lines.length;
      try {
        finish(msg.task, msg.lines);
      } catch (err) {
        fail(err);
        return;
      }
      dispatch(w);
      wake?.();
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      if (nextToEmit < tasks.length) fail(new Error(`sweep worker exited with code ${code} before the sweep finished`));
    });
  }

  try {
    let lastYieldMs = performance.now();
    while (!failure && nextToEmit < tasks.length) {
      // The next task, or — once all are handed out — a backup copy of the oldest one a worker still
      // holds (a worker that started late runs cold and slow; rows are deterministic, so whichever
      // copy finishes first is the row, and this thread never idles while the sweep waits).
      let task = -1;
      if (inThread && nextTask < tasks.length) task = nextTask++;
      else if (inThread) task = finished.indexOf(false, nextToEmit);
      if (task >= 0) {
        // Run it one point at a time, letting worker messages in between.
        const lines: string[] = [];
        for (const k of tasks[task] as number[]) {
          lines.push(serializeRow(runPoint(sweep, k)));
          if (workerCount > 0 || performance.now() - lastYieldMs > 50) {
            await yieldToEventLoop();
            lastYieldMs = performance.now();
            if (failure || finished[task]) break;
          }
        }
        if (!failure && !finished[task]) finish(task, lines);
      } else {
        // Everything is handed out: wait for the workers.
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    }
    if (failure) throw failure;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { threads: workerCount + (inThread ? 1 : 0), usesWorkers: workerCount > 0, pointsOnWorkers };
}
