/**
 * The simulator at Colossus scale: 200,000 GPUs × 90 days × 200 replications (goal: < 10 s wall
 * on a 2-core machine). Runs from source in this thread, and — when `npm run build` has produced
 * dist/ — across worker threads too, checking that both give the same replications.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseDocumentText } from '../src/core/index.js';
import { parseScenarioOrThrow, runReplications, summarizeReplications, type JobModel, type ReplicationResult } from '../src/sim/index.js';

const here = dirname(fileURLToPath(import.meta.url));

function scenario(spareNodes: number) {
  return parseScenarioOrThrow(
    parseDocumentText(`job: { gpus: 200000, days: 90, stepTimeS: 10 }
reliability:
  preset: llama3
  restartS: 600
  checkpoint: { intervalS: auto, writeS: 30, restoreS: 60 }
  spareNodes: ${spareNodes}
seed: 1
replications: 200
`),
  );
}

function line(name: string, seconds: number, results: readonly ReplicationResult[]): void {
  const events = results.reduce((a, r) => a + r.interruptions, 0);
  process.stdout.write(
    `${name.padEnd(58)} ${seconds.toFixed(2).padStart(7)} s   ${(events / 1e6).toFixed(2)}M interruptions  ${((seconds * 1e9) / events).toFixed(0)} ns/interruption\n`,
  );
}

type Pool = { run: (job: JobModel, seed: number, count: number) => Promise<ReplicationResult[]>; usesWorkers: boolean; close(): Promise<void> };

const distPool = join(here, '..', 'dist', 'sim', 'node', 'pool.js');
const pool: Pool | undefined = existsSync(distPool)
  ? ((await import(pathToFileURL(distPool).href)) as { createReplicationPool: (o: { threads: number }) => Pool }).createReplicationPool({
      threads: availableParallelism(),
    })
  : undefined;

for (const [label, spares] of [
  ['ample spares (500 nodes)', 500],
  ['no spares (waits for repairs)', 0],
] as const) {
  const sc = scenario(spares);
  const t0 = performance.now();
  const inThread = runReplications(sc.job, sc.seed, 0, sc.replications);
  const s0 = (performance.now() - t0) / 1000;
  line(`200k GPUs × 90 d × 200 reps, ${label}, 1 thread`, s0, inThread);
  if (pool) {
    const t1 = performance.now();
    const threaded = await pool.run(sc.job, sc.seed, sc.replications);
    const s1 = (performance.now() - t1) / 1000;
    line(`200k GPUs × 90 d × 200 reps, ${label}, ${availableParallelism()} workers`, s1, threaded);
    if (JSON.stringify(threaded) !== JSON.stringify(inThread)) throw new Error('worker results differ from in-thread results');
  }
  const r = summarizeReplications(sc, inThread);
  process.stdout.write(
    `  ETTR ${(r.ettr * 100).toFixed(1)}% (p10 ${(r.percentiles.ettr.p10 * 100).toFixed(1)}%, p90 ${(r.percentiles.ettr.p90 * 100).toFixed(1)}%), ` +
      `${r.interruptions.total.toFixed(0)} interruptions, interval ${r.checkpoint.intervalS.toFixed(0)} s\n`,
  );
}
if (!pool) process.stdout.write('  (dist/ not built: worker-thread timing skipped; run `npm run build` first)\n');
await pool?.close();
