import type { Estimate } from '../model/index.js';
import { planLabel } from '../spec/plan-codec.js';
import type { RankedPlan } from './types.js';

function rankedLabel(p: RankedPlan): string {
  return `${planLabel(p.parallel)}${p.precision === 'fp8' ? ' fp8' : ''}`;
}

function terms(e: Estimate): Record<string, number> {
  const b = e.breakdown;
  const c = b.exposedCommS;
  return {
    compute: b.computeS,
    'TP comm': c.tp,
    'CP comm': c.cp,
    'EP all-to-all': c.ep,
    'PP send/recv': c.pp,
    'DP sync': c.dp,
    'ZeRO gathers': c.zero,
    'pipeline bubble': b.bubbleS,
    'MoE imbalance': b.moeImbalanceS,
    stragglers: b.stragglerS,
    optimizer: b.optimizerS,
    'kernel overheads': b.otherS,
  };
}

/** Why the winner beats the runner-up: the step-time terms that differ most, in seconds per step. */
export function explain(plans: readonly RankedPlan[]): string[] {
  const [a, b] = plans;
  if (!a) return ['no plan fits in memory'];
  if (!b) return [`${rankedLabel(a)} is the only plan that fits`];
  const ta = terms(a.estimate);
  const tb = terms(b.estimate);
  const diffs = Object.keys(ta)
    .map((k) => [k, (ta[k] ?? 0) - (tb[k] ?? 0)] as const)
    .filter(([, d]) => Math.abs(d) > 1e-6 * a.estimate.stepTimeS)
    .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]))
    .slice(0, 4);
  const fmt = (s: number) => `${s > 0 ? '+' : '−'}${Math.abs(s) < 1 ? `${(Math.abs(s) * 1000).toFixed(0)} ms` : `${Math.abs(s).toFixed(2)} s`}`;
  const gain = (a.score / b.score - 1) * 100;
  const lines = [
    `${rankedLabel(a)} beats ${rankedLabel(b)} by ${gain.toFixed(1)}% (step ${a.estimate.stepTimeS.toFixed(3)} s vs ${b.estimate.stepTimeS.toFixed(3)} s on ${a.gpusUsed.toLocaleString('en-US')} vs ${b.gpusUsed.toLocaleString('en-US')} GPUs)`,
  ];
  if (diffs.length) lines.push(`per step: ${diffs.map(([k, d]) => `${k} ${fmt(d)}`).join(', ')}`);
  const memA = a.estimate.memory.totalGiB;
  const memB = b.estimate.memory.totalGiB;
  if (Math.abs(memA - memB) > 0.5) lines.push(`memory per GPU ${memA.toFixed(1)} GiB vs ${memB.toFixed(1)} GiB`);
  return lines;
}
