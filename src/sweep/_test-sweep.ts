/** A small sweep for tests: 2 GPUs × 3 counts × 2 plans (searched, or fixed: inconsistent for some counts) = 12 points. */
import { parseDocumentText } from '../core/index.js';
import { parseSweep } from './parse-sweep.js';
import type { Sweep } from './types.js';

export const SMALL_SWEEP_YAML = `name: small
base:
  model: llama3-8b
  system: { gpu: h100-sxm, gpus: 8 }
  training: { seqLen: 4096, globalBatch: 64 }
grid:
  system.gpu: [h100-sxm, b200]
  system.gpus: [8, 16, 32]
  parallel: [null, { tp: 2, pp: 1, dp: 8 }]
`;

export function smallSweep(text = SMALL_SWEEP_YAML, file = 'small.yaml'): Sweep {
  return parseSweep(parseDocumentText(text, file));
}
