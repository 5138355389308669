import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { simulateJob } from '../engine.js';
import type { JobModel, ReplicationResult } from '../job.js';
import { runReplications } from '../replicate.js';
import { compiledWorkerUrl, createReplicationPool } from './pool.js';
import { serveReplications, type TaskPort, type WorkerMessage, type WorkerTask } from './worker.js';

// The pool's worker threads, from TypeScript sources: `real.mjs` loads worker.ts through tsx, so a
// worker runs the same engine as this thread; `fake.mjs` answers each task without simulating
// (each chunk's replications in reverse order, tagged with the chunk and the thread), after a
// message for a batch that does not exist; `throws-*.mjs` fail at load or on a task.
const dir = mkdtempSync(join(tmpdir(), 'colossus-sim-pool-'));
const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
const workerTs = new URL('./worker.ts', import.meta.url).href;
const fixture = (name: string, code: string): URL => {
  const file = join(dir, name);
  writeFileSync(file, code);
  return pathToFileURL(file);
};
const REAL = fixture('real.mjs', `import { register } from ${JSON.stringify(tsxApi)};\nregister();\nawait import(${JSON.stringify(workerTs)});\n`);
const FAKE = fixture(
  'fake.mjs',
  `import { parentPort, threadId } from 'node:worker_threads';
parentPort.on('message', (task) => {
  parentPort.postMessage({ id: task.id + 1000, replication: 0, result: { stray: true } });
  for (let r = task.to - 1; r >= task.from; r--)
    parentPort.postMessage({ id: task.id, replication: r, result: { replication: r, from: task.from, to: task.to, seed: task.seed, thread: threadId, jobNodes: task.job.jobNodes } });
  parentPort.postMessage({ id: task.id, done: true });
});
`,
);
const THROWS_AT_LOAD = fixture('throws-at-load.mjs', 'throw new Error("worker failed to load");\n');
// Throws on its first task only (across threads: a marker file), then answers like FAKE.
const FLAG = join(dir, 'failed-once');
const FAILS_ONCE = fixture(
  'fails-once.mjs',
  `import { existsSync, writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (task) => {
  if (!existsSync(${JSON.stringify(FLAG)})) { writeFileSync(${JSON.stringify(FLAG)}, ''); throw new Error('worker failed once'); }
  for (let r = task.from; r < task.to; r++) parentPort.postMessage({ id: task.id, replication: r, result: { replication: r } });
  parentPort.postMessage({ id: task.id, done: true });
});
`,
);
const THROWS_ON_TASK = fixture('throws-on-task.mjs', `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('worker failed on a task'); });\n`);

/**
 * One node of 8 GPUs failing once an hour (0.125 per GPU-hour): the pool expects horizonS / 3600
 * failures per replication. The target (`targetSteps` steps of 1 s) ends each replication early,
 * so a run in this thread is quick whatever the horizon.
 */
const job = (horizonS: number, targetSteps = 2000): JobModel => ({
  gpusPerNode: 8,
  jobNodes: 4,
  replicaNodes: 1,
  stepTimeS: 1,
  horizonS,
  targetSteps,
  causes: [{ name: 'node', ratePerUnitHour: 0.125 / 4, unit: 'gpu', scope: 'node', detectS: 30, repairHours: 1, silent: false, source: 'test' }],
  restartS: 60,
  checkpoint: { intervalS: 100, writeS: 5, blockS: 5, restoreS: 10 },
  spareNodes: 1,
  elastic: false,
  minReplicas: 1,
  nodesPerSwitch: 16,
  progressSamples: 4,
});
// 3.6e8 s / 3600 s = 100,000 expected failures per replication: 2 replications reach the pool's 200,000.
const BIG = 3.6e8;

type Fake = { replication: number; from: number; to: number; seed: number; thread: number; jobNodes: number };
const fakes = (rs: ReplicationResult[]) => rs as unknown as Fake[];
const isFake = (r: ReplicationResult) => 'thread' in r;

const pools: { close(): Promise<void> }[] = [];
const pool = (options: Parameters<typeof createReplicationPool>[0]) => {
  const p = createReplicationPool(options);
  pools.push(p);
  return p;
};
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('replication pool', { timeout: 10_000 }, () => {
  it('from TypeScript sources there is no compiled worker: everything runs in this thread', async () => {
    expect(compiledWorkerUrl()).toBeUndefined();
    const p = pool({ threads: 4 });
    expect(p.usesWorkers).toBe(false);
    const progress: [number, number][] = [];
    const inThread = pool({ threads: 4, onProgress: (d, t) => progress.push([d, t]) });
    expect(await inThread.run(job(BIG), 3, 3)).toEqual(runReplications(job(BIG), 3, 0, 3));
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('worker threads give exactly the replications of this thread, in order', async () => {
    const progress: number[] = [];
    const p = pool({ threads: 2, workerUrl: REAL, onProgress: (d, t) => progress.push(d / t) });
    expect(p.usesWorkers).toBe(true);
    const rs = await p.run(job(BIG), 5, 6);
    expect(rs).toEqual(runReplications(job(BIG), 5, 0, 6));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6].map((d) => d / 6));
  });

  it('splits a batch into chunks of ⌈count / (4 × workers)⌉ and puts every result in its place', async () => {
    const progress: [number, number][] = [];
    const p = pool({ threads: 3, workerUrl: FAKE, onProgress: (d, t) => progress.push([d, t]) });
    const rs = fakes(await p.run(job(BIG, 10), 9, 25));
    // ⌈25 / 12⌉ = 3: [0, 3), [3, 6), ..., [24, 25).
    expect(rs.map((r) => r.replication)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(rs.map((r) => [r.from, r.to])).toEqual(Array.from({ length: 25 }, (_, i) => [3 * Math.floor(i / 3), Math.min(25, 3 * Math.floor(i / 3) + 3)]));
    expect(rs.every((r) => r.seed === 9 && r.jobNodes === 4)).toBe(true);
    // All three workers got a chunk at the start.
    const threads = new Set(rs.map((r) => r.thread));
    expect(threads.size).toBe(3);
    expect(progress).toEqual(Array.from({ length: 25 }, (_, i) => [i + 1, 25]));
    // The next batch reuses the same idle workers (and a batch smaller than a chunk per worker gets chunks of one).
    const again = fakes(await p.run(job(BIG, 10), 4, 3));
    expect(again.map((r) => [r.replication, r.from, r.to, r.seed])).toEqual([
      [0, 0, 1, 4],
      [1, 1, 2, 4],
      [2, 2, 3, 4],
    ]);
    expect(new Set(again.map((r) => r.thread))).toEqual(threads);
    // After close, a run starts fresh workers.
    await p.close();
    const fresh = fakes(await p.run(job(BIG, 10), 4, 2));
    expect(fresh.map((r) => r.replication)).toEqual([0, 1]);
    expect(fresh.every((r) => !threads.has(r.thread))).toBe(true);
  });

  it('uses workers only for two or more replications with at least 200,000 expected failures', async () => {
    const p = pool({ threads: 2, workerUrl: FAKE });
    // Exactly 200,000: workers.
    expect((await p.run(job(BIG), 1, 2)).every(isFake)).toBe(true);
    // One hour less of horizon (199,998), or a single replication: this thread, the real engine.
    const below = await p.run(job(BIG - 3600), 1, 2);
    expect(below).toEqual(runReplications(job(BIG - 3600), 1, 0, 2));
    expect(await p.run(job(BIG * 3), 1, 1)).toEqual([simulateJob(job(BIG * 3), 1, 0)]);
    // No failures at all: nothing to spread.
    const none = { ...job(BIG), causes: [] };
    expect((await p.run(none, 1, 4)).some(isFake)).toBe(false);
  });

  it('one thread (or fewer) never starts workers; fractional threads round down; the default is the machine\'s parallelism', async () => {
    for (const threads of [1, 0, 1.9, -3]) expect(pool({ threads, workerUrl: FAKE }).usesWorkers, String(threads)).toBe(false);
    const one = pool({ threads: 1, workerUrl: FAKE });
    expect((await one.run(job(BIG), 1, 2)).some(isFake)).toBe(false);
    expect(pool({ threads: 2.5, workerUrl: FAKE }).usesWorkers).toBe(true);
    expect(pool({ workerUrl: FAKE }).usesWorkers).toBe(availableParallelism() > 1);
  });

  it('after a worker fails, the pool replaces it: the next batch runs instead of hanging (colossus serve keeps its pool)', async () => {
    const p = pool({ threads: 2, workerUrl: FAILS_ONCE });
    await expect(p.run(job(BIG), 1, 4)).rejects.toThrow('worker failed once');
    const rs = await p.run(job(BIG), 1, 4);
    expect(rs.map((r) => (r as unknown as { replication: number }).replication)).toEqual([0, 1, 2, 3]);
    const again = await p.run(job(BIG), 2, 6);
    expect(again).toHaveLength(6);
  });

  it('a worker that fails, at load or on a task, rejects the batch with its error', async () => {
    await expect(pool({ threads: 2, workerUrl: THROWS_AT_LOAD }).run(job(BIG), 1, 4)).rejects.toThrow('worker failed to load');
    await expect(pool({ threads: 2, workerUrl: THROWS_ON_TASK }).run(job(BIG), 1, 4)).rejects.toThrow('worker failed on a task');
  });
});

describe('serveReplications (the worker side)', () => {
  it('answers a task with each replication of its range, in order, then done', () => {
    let listener: ((task: WorkerTask) => void) | undefined;
    const sent: WorkerMessage[] = [];
    const port: TaskPort = {
      on: (event, l) => {
        expect(event).toBe('message');
        listener = l;
      },
      postMessage: (m) => sent.push(m),
    };
    serveReplications(port);
    const j = job(86400, 500);
    listener?.({ id: 7, job: j, seed: 3, from: 2, to: 5 });
    expect(sent).toEqual([
      { id: 7, replication: 2, result: simulateJob(j, 3, 2) },
      { id: 7, replication: 3, result: simulateJob(j, 3, 3) },
      { id: 7, replication: 4, result: simulateJob(j, 3, 4) },
      { id: 7, done: true },
    ]);
    // An empty range: only done.
    listener?.({ id: 8, job: j, seed: 3, from: 4, to: 4 });
    expect(sent.at(-1)).toEqual({ id: 8, done: true });
    expect(sent).toHaveLength(5);
  });

  it('outside a worker thread (no port) it does nothing', () => {
    expect(() => serveReplications(null)).not.toThrow();
  });
});
