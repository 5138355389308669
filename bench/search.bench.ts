/** Plan search at Colossus scale: the whole space for 200,000 GPUs, and plans per second. */
import { parseSpecValue } from '../src/spec/index.js';
import { search } from '../src/search/index.js';

const cases = [
  ['llama3-405b', 200_000, 8192, 2048, 'bf16'],
  ['grok-1', 200_000, 8192, 2048, 'bf16'],
  ['deepseek-v3', 200_000, 4096, 8192, 'fp8'],
  ['llama3-405b', 16_384, 8192, 2048, 'bf16'],
] as const;

for (const [model, gpus, seqLen, globalBatch, precision] of cases) {
  const r = parseSpecValue({ model, system: { gpu: 'h100-sxm', gpus }, training: { seqLen, globalBatch, precision } }, undefined, [], { planOptional: true });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  search(r.spec, { top: 5 }); // warm-up
  const runs = [0, 1, 2].map(() => search(r.spec, { top: 5 }));
  const best = runs.reduce((a, b) => (a.elapsedS < b.elapsedS ? a : b));
  const p = best.plans[0];
  process.stdout.write(
    `${`${model} on ${gpus.toLocaleString('en-US')} H100`.padEnd(32)} ${(best.elapsedS * 1000).toFixed(0).padStart(5)} ms  ` +
      `${Math.round(best.considered / best.elapsedS).toLocaleString('en-US').padStart(10)} plans/s (${best.considered.toLocaleString('en-US')} considered, ${best.evaluated.toLocaleString('en-US')} evaluated)  ` +
      `best: ${p ? `tp${p.parallel.tp} pp${p.parallel.pp}/v${p.parallel.vpp} cp${p.parallel.cp} dp${p.parallel.dp} ep${p.parallel.ep} on ${p.gpusUsed.toLocaleString('en-US')} GPUs, MFU ${(p.estimate.mfu * 100).toFixed(1)}%` : 'none fits'}\n`,
  );
  // Without pruning: the evaluation rate of the inner loop itself.
  if (gpus === 16_384) {
    const full = search(r.spec, { top: 5, noPruning: true });
    process.stdout.write(`${'  same, no pruning'.padEnd(32)} ${(full.elapsedS * 1000).toFixed(0).padStart(5)} ms  ${Math.round(full.evaluated / full.elapsedS).toLocaleString('en-US').padStart(10)} plans/s evaluated\n`);
  }
}
