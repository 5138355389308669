/**
 * A sweep of 100 points (2 models × 5 GPU types × 4,096–200,000 GPUs × 2 network speeds, each
 * point a full plan search): points/s in this thread alone and with 2 threads (this one and a compiled
 * worker, when `npm run build` has produced dist/). Each variant runs in its own process (cold:
 * the first pass, as a CLI run sees it; warm: a second pass in the same process), and the rows
 * of both must be identical.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseDocumentText } from '../src/core/index.js';
import { hash64Hex, parseSweep } from '../src/sweep/index.js';
import { runSweepPoints } from '../src/sweep/node/pool.js';

const worker = fileURLToPath(new URL('../dist/sweep/node/worker.js', import.meta.url));
const variant = process.argv[2];

if (variant === undefined) {
  const results: { threads: number; coldS: number; warmS: number; rowsHash: string; onWorkers: number }[] = [];
  const variants = existsSync(worker) ? [1, 2] : [1];
  for (const threads of variants) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(threads)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    results.push(JSON.parse(r.stdout) as (typeof results)[number]);
  }
  for (const r of results) {
    process.stdout.write(
      `100 points, ${r.threads === 1 ? 'this thread          ' : `${r.threads} threads (1 worker)`}  cold ${r.coldS.toFixed(2)} s = ${(100 / r.coldS).toFixed(1).padStart(6)} points/s   ` +
        `warm ${r.warmS.toFixed(2)} s = ${(100 / r.warmS).toFixed(1).padStart(6)} points/s${r.threads > 1 ? `   (${r.onWorkers} of 100 on the worker, warm pass)` : ''}\n`,
    );
  }
  const [one, two] = results;
  if (one && two) {
    if (one.rowsHash !== two.rowsHash) throw new Error('rows differ between 1 and 2 threads');
    process.stdout.write(`  speed-up on 2 threads: cold ${(one.coldS / two.coldS).toFixed(2)}×, warm ${(one.warmS / two.warmS).toFixed(2)}×; rows identical\n`);
  } else process.stdout.write('  (dist/ not built: worker-thread timing skipped; run `npm run build` first)\n');
} else {
  const threads = Number(variant);
  const sweep = parseSweep(
    parseDocumentText(`base:
  model: llama3-70b
  system: { gpu: h100-sxm, gpus: 4096 }
  training: { seqLen: 8192, globalBatch: 2048 }
grid:
  model: [llama3-70b, llama3-405b]
  system.gpu: [h100-sxm, h200-sxm, b200, gb200, mi300x]
  system.gpus: [4096, 16384, 65536, 100000, 200000]
  system.scaleOutGbpsPerGpu: [400, 800]
`),
  );
  const all = Array.from({ length: sweep.points }, (_, k) => k);
  const pass = async () => {
    const lines: string[] = [];
    const t0 = performance.now();
    const r = await runSweepPoints(sweep, all, (line) => lines.push(line), { threads, ...(threads > 1 ? { workerUrl: pathToFileURL(worker) } : {}) });
    return { s: (performance.now() - t0) / 1000, lines, onWorkers: r.pointsOnWorkers };
  };
  const cold = await pass();
  const warm = await pass();
  process.stdout.write(JSON.stringify({ threads, coldS: cold.s, warmS: warm.s, rowsHash: hash64Hex(cold.lines.join('\n')), onWorkers: warm.onWorkers }));
}
