/**
 * Replications across worker threads (Node only; not part of the pure src/sim index). Workers load
 * the compiled `worker.js` next to this file; when running from TypeScript sources (vitest, tsx)
 * there is no compiled worker, and the pool runs everything in this thread instead. Either way the
 * results are identical: replication r depends only on (seed, r).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { jobMtbfS } from '../summary.js';
import type { JobModel, ReplicationResult } from '../job.js';
import { runReplications, type ReplicationRunner } from '../replicate.js';
import { REPLICATION_WORKER, type WorkerTask } from './worker.js';

export interface PoolOptions {
  /** Worker threads; default: the machine's available parallelism. 1 (or 0) runs in this thread. */
  threads?: number;
  /** Called after each replication completes, with how many of this call's are done. */
  onProgress?: (done: number, total: number) => void;
  /** The worker script (default: the compiled `worker.js` next to this module). */
  workerUrl?: URL;
}

export interface ReplicationPool {
  /** Runs one batch of replications; await it before starting the next (one batch at a time). */
  run: ReplicationRunner;
  /** Whether this pool uses worker threads (false from TypeScript sources or with one thread). */
  readonly usesWorkers: boolean;
  close(): Promise<void>;
}

/** Below this many expected failure events per call, starting workers costs more than it saves. */
const MIN_EVENTS_FOR_WORKERS = 200_000;

/** The compiled worker next to this module, or undefined when running from .ts sources. */
export function compiledWorkerUrl(): URL | undefined {
  return import.meta.url.endsWith('.js') ? new URL('./worker.js', import.meta.url) : undefined;
}

interface Pending {
  results: ReplicationResult[];
  done: number;
  total: number;
  chunks: { from: number; to: number }[];
  outstanding: number;
  resolve: (r: ReplicationResult[]) => void;
  reject: (e: unknown) => void;
  job: JobModel;
  seed: number;
}

export function createReplicationPool(options: PoolOptions = {}): ReplicationPool {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const url = options.workerUrl ?? compiledWorkerUrl();
  const usesWorkers = threads > 1 && url !== undefined;
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  let nextId = 1;
  const pending = new Map<number, Pending>();
  let current: Pending | undefined;

  const inThread: ReplicationRunner = (job, seed, count) => {
    const res = runReplications(job, seed, 0, count, (r) => options.onProgress?.(r + 1, count));
    return Promise.resolve(res);
  };

  const dispatch = (w: Worker): void => {
    const p = current;
    const chunk = p?.chunks.shift();
    if (!p || !chunk) {
      idle.push(w);
      return;
    }
    p.outstanding++;
    const task: WorkerTask = { id: idOf(p), job: p.job, seed: p.seed, from: chunk.from, to: chunk.to };
    w.postMessage(task);
  };
  const ids = new WeakMap<Pending, number>();
  const idOf = (p: Pending): number => ids.get(p) ?? 0;

  const drop = (w: Worker): void => {
    const i = workers.indexOf(w);
    if (i >= 0) workers.splice(i, 1);
    const j = idle.indexOf(w);
    if (j >= 0) idle.splice(j, 1);
  };

  const spawn = (): Worker => {
    const w = new Worker(url as URL, { workerData: REPLICATION_WORKER });
    w.on('message', (msg: { id: number; replication?: number; result?: ReplicationResult; done?: boolean }) => {
      const p = pending.get(msg.id);
      if (p && msg.result && msg.replication !== undefined) {
        p.results[msg.replication] = msg.result;
        p.done++;
        options.onProgress?.(p.done, p.total);
      }
      if (!msg.done) return;
      if (p) {
        p.outstanding--;
        if (p.chunks.length === 0 && p.outstanding === 0) {
          pending.delete(msg.id);
          current = undefined;
          p.resolve(p.results);
        }
      }
      // Back to work (or idle), also after a chunk of a batch that failed meanwhile.
      dispatch(w);
    });
    // A worker that throws has exited: drop it (the next batch starts a new one) and fail the batch.
    w.on('error', (err) => {
      drop(w);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      current = undefined;
    });
    w.on('exit', () => drop(w));
    workers.push(w);
    return w;
  };

  const run: ReplicationRunner = async (job, seed, count) => {
    const expectedEvents = (job.horizonS / jobMtbfS(job)) * count;
    if (!usesWorkers || count < 2 || !(expectedEvents >= MIN_EVENTS_FOR_WORKERS)) return inThread(job, seed, count);
    const n = Math.min(threads, count);
    const chunkSize = Math.max(1, Math.ceil(count / (n * 4)));
    const chunks: { from: number; to: number }[] = [];
    for (let from = 0; from < count; from += chunkSize) chunks.push({ from, to: Math.min(count, from + chunkSize) });
    return new Promise<ReplicationResult[]>((resolve, reject) => {
      const p: Pending = { results: new Array<ReplicationResult>(count), done: 0, total: count, chunks, outstanding: 0, resolve, reject, job, seed };
      const id = nextId++;
      ids.set(p, id);
      pending.set(id, p);
      current = p;
      while (workers.length < n) idle.push(spawn());
      const ready = idle.splice(0, idle.length);
      for (const w of ready) dispatch(w);
    });
  };

  return {
    run,
    usesWorkers,
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
      workers.length = 0;
      idle.length = 0;
    },
  };
}
