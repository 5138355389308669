/**
 * Weak scaling on a 3-tier fabric: the global batch grows with the GPU count and the search
 * picks the best plan at each size. Prints tokens/s per GPU and the terms that change with
 * size. `npx tsx scripts/weak-scaling.ts [fabric-preset] [--json]` (default colossus-spectrum-x).
 */
import { search } from '../src/search/index.js';
import { parseSpecValue } from '../src/spec/index.js';

const fabric = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'colossus-spectrum-x';
const json = process.argv.includes('--json');
const SIZES = [16_384, 65_536, 262_144, 1_048_576];
const MODELS = [
  // Llama 3 405B: 1 sequence of 8K per 8 GPUs (2,048 at 16k, Meta's batch); the 2.8T MoE: 1 per 16 GPUs.
  { model: 'llama3-405b', perGpus: 8, precision: 'bf16' },
  { model: 'grok-class-2.8t', perGpus: 16, precision: 'bf16' },
] as const;

const rows: Record<string, unknown>[] = [];
for (const { model, perGpus, precision } of MODELS) {
  for (const gpus of SIZES) {
    const r = parseSpecValue(
      { model, system: { gpu: 'h100-sxm', gpus, fabric }, training: { seqLen: 8192, globalBatch: gpus / perGpus, precision } },
      undefined,
      [],
      { planOptional: true },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const res = search(r.spec, { top: 1 });
    const best = res.plans[0];
    if (!best) {
      rows.push({ model, gpus, plan: 'none fits' });
      continue;
    }
    const e = best.estimate;
    const b = e.breakdown;
    const c = b.exposedCommS;
    const p = best.parallel;
    const share = (x: number) => +(x / e.stepTimeS * 100).toFixed(2);
    rows.push({
      model, gpus, used: best.gpusUsed,
      plan: `tp${p.tp} pp${p.pp}/v${p.vpp} cp${p.cp} dp${p.dp}${p.ep > 1 ? ` ep${p.ep}` : ''} mb${p.microBatch} ${p.recompute} Z${p.zeroStage}`,
      tokPerGpu: +e.tokensPerSecPerGpu.toFixed(1), stepS: +e.stepTimeS.toFixed(3), mfu: +(e.mfu * 100).toFixed(1),
      dpPct: share(c.dp), ppPct: share(c.pp), epPct: share(c.ep), zeroPct: share(c.zero), bubblePct: share(b.bubbleS),
      stragglerPct: share(b.stragglerS), imbalancePct: share(b.moeImbalanceS),
      dpRoute: `${e.network.routes.dp.tier}/${e.network.routes.dp.algorithm}`, ppRoute: e.network.routes.pp.tier,
      searchMs: Math.round(res.elapsedS * 1000),
    });
  }
}
if (json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
else for (const r of rows) process.stdout.write(Object.entries(r).map(([k, v]) => `${k}=${String(v)}`).join('  ') + '\n');
