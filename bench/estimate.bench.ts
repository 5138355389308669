/** Estimator speed: one fully resolved plan (the search's inner loop), and a spec with free knobs. */
import { estimate, evaluate, knobCandidates, withPlan } from '../src/model/index.js';
import { parseSpec } from '../src/spec/index.js';
import { report, timeLoop } from './timing.js';

const spec = parseSpec({
  model: 'llama3-405b',
  system: { gpu: 'h100-sxm', gpus: 16384 },
  training: { seqLen: 8192, globalBatch: 2048, precision: 'bf16' },
  parallel: { tp: 8, pp: 16, dp: 128 },
});
const moe = parseSpec({
  model: 'deepseek-v3',
  system: { gpu: 'h100-sxm', gpus: 1024 },
  training: { seqLen: 4096, globalBatch: 8192, precision: 'fp8' },
  parallel: { tp: 2, pp: 8, dp: 64, ep: 64 },
});
const resolved = withPlan(spec, knobCandidates(spec)[0]!);
const resolvedMoe = withPlan(moe, knobCandidates(moe)[0]!);

let sink = 0;
const a = timeLoop(() => {
  sink += evaluate(resolved).stepTimeS;
});
report('evaluate (dense, resolved plan)', a);
const b = timeLoop(() => {
  sink += evaluate(resolvedMoe).stepTimeS;
});
report('evaluate (MoE, resolved plan)', b);
const c = timeLoop(() => {
  sink += estimate(spec).stepTimeS;
}, 1, 100);
report(`estimate (free knobs: ${knobCandidates(spec).length} candidates)`, c);
process.stdout.write(`target: >= 50,000 estimates/s on one core: ${a.perSecond >= 50_000 ? 'met' : 'NOT met'} (${Math.round(a.perSecond).toLocaleString('en-US')}/s)\n`);
if (sink === 42) process.stdout.write('');
