/**
 * How the three fitted efficiency constants were chosen, and whether they hold on runs the fit
 * has not seen: grid search over gemmShapeFactor × tpOverlap × zeroOverlap minimising MAPE,
 * then leave-one-source-out (fit on all sources but one, predict the held-out source; the error
 * bands are fitted the same way and their coverage checked on it).
 * `npx tsx scripts/fit-efficiency.ts [--public] [--supplementary]`
 */
import { fitGrid, leaveOneSourceOut, readBundledCases } from '../src/validation/index.js';

const files = process.argv.includes('--public') ? ['public-cases.jsonl'] : ['public-cases.jsonl', 'stack-cases.jsonl'];
if (process.argv.includes('--supplementary')) files.push('supplementary-cases.jsonl');
const cases = readBundledCases(files, new URL('../data/validation/', import.meta.url));
const r = leaveOneSourceOut(cases, fitGrid(false));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
process.stdout.write(`leave one source out over ${r.cases} cases (${files.join(', ')}):\n`);
for (const [src, s] of Object.entries(r.bySource)) {
  process.stdout.write(`  ${src.padEnd(40)} ${String(s.cases).padStart(4)} cases  fit ${JSON.stringify(s.fit).padEnd(62)} held-out MAPE ${pct(s.mape).padStart(6)}  max ${pct(s.max).padStart(7)}  band coverage ${pct(s.bandCoverage)}\n`);
}
process.stdout.write(`\nall held-out predictions: MAPE ${pct(r.heldOut.mape)}, median ${pct(r.heldOut.median)}, max ${pct(r.heldOut.max)}; 80% bands cover ${pct(r.bandCoverage)}\n`);
