import { resultIssues, type Issue, type ResultViolation } from '../core/index.js';
import type { Estimate } from './result.js';

/** The inputs that, when absurd, make an estimate nonsense. */
const ESTIMATE_INPUTS = 'system.gpu, system.scaleOutGbpsPerGpu, model and training';

/**
 * The invariants every estimate must hold before it is printed, served or stored: every number
 * finite, 0 < MFU <= HFU <= 100%, a positive step time and throughput. An empty list when it holds.
 */
export function estimateIssues(e: Estimate): Issue[] {
  const v: ResultViolation[] = [];
  const pct = (x: number): string => `${(x * 100).toPrecision(4)}%`;
  if (e.mfu > 1) v.push({ field: 'mfu', expected: 'MFU <= 100% (model FLOPs cannot exceed the peak)', received: pct(e.mfu) });
  if (e.hfu > 1) v.push({ field: 'hfu', expected: 'HFU <= 100% (hardware FLOPs cannot exceed the peak)', received: pct(e.hfu) });
  if (e.mfu < 0 || e.hfu < 0) v.push({ field: 'mfu', expected: 'MFU and HFU >= 0', received: `${pct(e.mfu)}, ${pct(e.hfu)}` });
  if (!(e.stepTimeS > 0)) v.push({ field: 'stepTimeS', expected: 'a step time > 0', received: String(e.stepTimeS) });
  return resultIssues('estimate', e, v, ESTIMATE_INPUTS);
}
