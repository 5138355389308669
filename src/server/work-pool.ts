import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunStore } from '../store/index.js';
import { doWork, jsonAnswer, savingTo, type WorkAnswer, type WorkLimits, type WorkRequest } from './work.js';

/** How the expensive requests are run: in worker threads with limits, or in this thread (tests, no build). */
export interface WorkPool {
  /** Do one request's work; resolves to its answer (never rejects). `signal`: the client went away. */
  run(req: WorkRequest, signal?: AbortSignal): Promise<WorkAnswer>;
  /** Requests running and waiting now, and totals since start. */
  stats(): { running: number; queued: number; threads: number; completed: number; rejected: number; timedOut: number; cancelled: number; crashed: number };
  readonly usesWorkers: boolean;
  close(): Promise<void>;
}

export interface WorkPoolOptions extends Partial<WorkLimits> {
  /** Worker threads (requests computed at once). Default: available parallelism - 1, at least 1, at most 4. */
  threads?: number;
  /** Requests that may wait for a thread; one more is answered 429. Default 16. */
  maxQueue?: number;
  /** Longest a request may compute, ms; then its worker is stopped and the answer is 503. Default 120 s. */
  timeoutMs?: number;
  /** Heap limit of each worker, MB (resourceLimits.maxOldGenerationSizeMb); over it, 503. Default 2048. */
  memoryMb?: number;
  /** The compiled worker; default dist/server/work-worker.js next to this module (none from .ts sources). */
  workerUrl?: URL;
  /** The run store campaign runs are saved to (each worker opens its own connection). */
  storePath?: string;
  /** The store for the in-thread mode (defaults to opening `storePath`). */
  store?: () => RunStore;
}

/** The compiled worker next to this module, or undefined when running from .ts sources. */
export function compiledWorkUrl(): URL | undefined {
  return import.meta.url.endsWith('.js') ? new URL('./work-worker.js', import.meta.url) : undefined;
}

const answer = (status: number, message: string, headers?: Record<string, string>): WorkAnswer => jsonAnswer(status, { error: { status, message } }, headers);

interface Job {
  id: number;
  req: WorkRequest;
  resolve: (a: WorkAnswer) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * A bounded pool of worker threads for search, simulate, estimate and campaign requests, so that
 * the server's own thread only routes, reads bodies and answers `/api/health`. Each request runs
 * alone in one worker under a time limit and a heap limit; a request over either, or whose client
 * disconnects, has its worker terminated and replaced. At most `threads` run and `maxQueue` wait;
 * beyond that the answer is 429 with Retry-After. Without a compiled worker the work runs in this
 * thread, one request at a time, with the same queue bound.
 */
export function createWorkPool(options: WorkPoolOptions = {}): WorkPool {
  const limits: WorkLimits = { maxSpecs: options.maxSpecs ?? 1000, maxReplications: options.maxReplications ?? 100 };
  const url = options.workerUrl ?? compiledWorkUrl();
  const threads = Math.max(1, Math.min(4, Math.floor(options.threads ?? availableParallelism() - 1)));
  const maxQueue = Math.max(0, Math.floor(options.maxQueue ?? 16));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const memoryMb = options.memoryMb ?? 2048;
  const counts = { completed: 0, rejected: 0, timedOut: 0, cancelled: 0, crashed: 0 };
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const storePath = options.storePath;
  const storeOpener = options.store;
  const inThreadSave = storeOpener && storePath !== undefined ? savingTo(storePath, storeOpener) : undefined;
  if (url === undefined) {
    // This thread: one at a time, bounded queue, no time or memory limit (tests from sources).
    let running = 0;
    let tail: Promise<unknown> = Promise.resolve();
    return {
      usesWorkers: false,
      run(req) {
        if (running + queue.length >= 1 + maxQueue) {
          counts.rejected++;
          return Promise.resolve(answer(429, 'the server is busy: too many requests are waiting (try again shortly)', { 'retry-after': '5' }));
        }
        const job = { id: nextId++ } as Job;
        queue.push(job);
        const next = tail.then(async () => {
          queue.splice(queue.indexOf(job), 1);
          running++;
          try {
            return await doWork(req, limits, inThreadSave);
          } finally {
            running--;
            counts.completed++;
          }
        });
        tail = next.catch(() => undefined);
        return next;
      },
      stats: () => ({ running, queued: queue.length, threads: 1, ...counts }),
      close: () => Promise.resolve(),
    };
  }

  const slots: Slot[] = [];
  const finish = (slot: Slot, a: WorkAnswer): void => {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    if (job) {
      job.signal?.removeEventListener('abort', job.onAbort);
      job.resolve(a);
    }
    pump();
  };
  const replace = (slot: Slot): void => {
    const old = slot.worker;
    old.removeAllListeners();
    old.on('error', () => undefined);
    void old.terminate();
    slot.worker = spawn(slot);
  };
  const spawn = (slot: Slot): Worker => {
    const w = new Worker(url, { workerData: { ...limits, ...(storePath !== undefined ? { storePath } : {}) }, resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
    w.unref();
    w.on('message', (msg: { id: number; answer: WorkAnswer }) => {
      if (slot.job?.id !== msg.id) return;
      counts.completed++;
      finish(slot, msg.answer);
    });
    w.on('error', (err: Error & { code?: string }) => {
      counts.crashed++;
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      const a = answer(oom ? 503 : 500, oom ? `the request needed more than this server's ${memoryMb} MB per request (run it with the CLI)` : 'internal error (logged on the server)');
      if (!oom) a.logged = err.stack ?? err.message;
      slot.worker = spawn(slot);
      finish(slot, a);
    });
    w.on('exit', () => {
      if (slot.worker === w && !closed) {
        slot.worker = spawn(slot);
        if (slot.job) finish(slot, answer(500, 'internal error (the worker stopped)'));
      }
    });
    return w;
  };
  const pump = (): void => {
    for (const slot of slots) {
      if (slot.job || queue.length === 0) continue;
      const job = queue.shift() as Job;
      slot.job = job;
      slot.timer = setTimeout(() => {
        counts.timedOut++;
        replace(slot);
        finish(slot, answer(503, `the request took longer than this server's ${Math.round(timeoutMs / 1000)} s limit (run it with the CLI)`));
      }, timeoutMs);
      slot.timer.unref();
      slot.worker.postMessage({ id: job.id, req: job.req });
    }
  };
  for (let i = 0; i < threads; i++) {
    const slot: Slot = { worker: undefined as unknown as Worker, job: undefined, timer: undefined };
    slot.worker = spawn(slot);
    slots.push(slot);
  }

  return {
    usesWorkers: true,
    run(req, signal) {
      if (closed) return Promise.resolve(answer(503, 'the server is shutting down'));
      const busy = slots.filter((s) => s.job).length;
      if (busy >= slots.length && queue.length >= maxQueue) {
        counts.rejected++;
        return Promise.resolve(answer(429, 'the server is busy: too many requests are waiting (try again shortly)', { 'retry-after': '5' }));
      }
      if (signal?.aborted) {
        counts.cancelled++;
        return Promise.resolve(answer(499, 'the client went away'));
      }
      return new Promise<WorkAnswer>((resolve) => {
        const job: Job = {
          id: nextId++,
          req,
          resolve,
          signal,
          onAbort: () => {
            counts.cancelled++;
            const i = queue.indexOf(job);
            if (i >= 0) {
              queue.splice(i, 1);
              resolve(answer(499, 'the client went away'));
              return;
            }
            const slot = slots.find((s) => s.job === job);
            if (slot) {
              replace(slot);
              finish(slot, answer(499, 'the client went away'));
            }
          },
        };
        signal?.addEventListener('abort', job.onAbort, { once: true });
        queue.push(job);
        pump();
      });
    },
    stats: () => ({ running: slots.filter((s) => s.job).length, queued: queue.length, threads: slots.length, ...counts }),
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.resolve(answer(503, 'the server is shutting down'));
      await Promise.all(
        slots.map(async (s) => {
          if (s.job) finish(s, answer(503, 'the server is shutting down'));
          s.worker.removeAllListeners();
          await s.worker.terminate();
        }),
      );
    },
  };
}
