/**
 * How the three fitted efficiency constants were chosen, and whether they hold on runs the fit
 * has not seen. Grid search over gemmShapeFactor × tpOverlap × zeroOverlap minimising MAPE on
 * the public cases; then leave-one-source-out: fit on all sources but one, report the error on
 * the held-out source. `npx tsx scripts/fit-efficiency.ts`
 */
import { readFileSync } from 'node:fs';
import { efficiencyFor, type EfficiencyModel } from '../src/model/index.js';
import { parseCases, runValidation, stats, type ValidationCase } from '../src/validation/index.js';

const read = (f: string) => parseCases(readFileSync(new URL(`../data/validation/${f}`, import.meta.url), 'utf8'), f);
// `--public` fits and holds out on the 77 public cases alone; the default adds the other-stack cases.
const cases = process.argv.includes('--public') ? read('public-cases.jsonl') : [...read('public-cases.jsonl'), ...read('stack-cases.jsonl')];
const grid: Partial<EfficiencyModel>[] = [];
for (let shape = 1.0; shape <= 3.01; shape += 0.25)
  for (let tp = 0; tp <= 0.81; tp += 0.2)
    for (const zero of [0.25, 0.5, 0.75]) grid.push({ gemmShapeFactor: +shape.toFixed(2), tpOverlap: +tp.toFixed(1), zeroOverlap: zero });

function errors(subset: readonly ValidationCase[], o: Partial<EfficiencyModel>): number[] {
  const r = runValidation(subset, (_id, gpu) => efficiencyFor(gpu, o));
  return r.rows.map((x) => x.error ?? 0);
}

function fit(subset: readonly ValidationCase[]): { o: Partial<EfficiencyModel>; mape: number } {
  let best = { o: {} as Partial<EfficiencyModel>, mape: Infinity };
  for (const o of grid) {
    const mape = stats(errors(subset, o)).mape;
    if (mape < best.mape) best = { o, mape };
  }
  return best;
}

const all = fit(cases);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
process.stdout.write(`fit on all ${cases.length} cases: ${JSON.stringify(all.o)} → MAPE ${pct(all.mape)}\n\nleave one source out:\n`);
const sources = [...new Set(cases.map((c) => c.source))];
const heldErrors: number[] = [];
for (const src of sources) {
  const train = cases.filter((c) => c.source !== src);
  const test = cases.filter((c) => c.source === src);
  const f = fit(train);
  const e = errors(test, f.o);
  heldErrors.push(...e);
  const s = stats(e);
  process.stdout.write(`  ${src.padEnd(24)} fit ${JSON.stringify(f.o).padEnd(62)} held-out MAPE ${pct(s.mape).padStart(6)}  max ${pct(s.max)}\n`);
}
const h = stats(heldErrors);
process.stdout.write(`\nall held-out predictions: MAPE ${pct(h.mape)}, median ${pct(h.median)}, max ${pct(h.max)}\n`);
