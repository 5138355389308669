import { describe, expect, it } from 'vitest';
import { parseSpecValue, type Spec } from '../../spec/index.js';
import { estimate } from '../estimate.js';

// The stack's main-gradient precision (NeMo 24.07 launcher recipes: grad_sync_dtype bf16), and
// `training.gradPrecision` winning over it, checked on the gradient buffer it sizes.

const base = {
  model: { name: 'GPT-3 20B', layers: 44, hidden: 6144, heads: 48, kvHeads: 48, ffnHidden: 24576, gatedMlp: false, vocab: 50257 },
  system: { gpu: 'h100-sxm', gpus: 64, gpusPerNode: 8, nvlinkDomain: 8, scaleOutGbpsPerGpu: 400 },
  parallel: { tp: 2, pp: 1, dp: 32, cp: 1, ep: 1, vpp: 1, microBatch: 2, recompute: 'selective' },
};

function specOf(training: Record<string, unknown>): Spec {
  const r = parseSpecValue({ ...base, training: { seqLen: 2048, globalBatch: 256, precision: 'fp8', ...training } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe('main-gradient precision as a stack fact', () => {
  it('NeMo 24.07 keeps its gradient buffer in BF16: half of Megatron-Core\'s FP32 buffer, the rest unchanged', () => {
    const mcore = estimate(specOf({ stack: 'megatron-core@2024' })).memory;
    const nemo = estimate(specOf({ stack: 'nemo' })).memory;
    expect(nemo.gradientsGiB).toBeCloseTo(mcore.gradientsGiB / 2, 6);
    expect(nemo.weightsGiB).toBeCloseTo(mcore.weightsGiB, 9);
    expect(nemo.optimizerGiB).toBeCloseTo(mcore.optimizerGiB, 9);
    expect(nemo.activationsGiB).toBeCloseTo(mcore.activationsGiB, 9);
  });

  it('the spec\'s training.gradPrecision wins over the stack\'s', () => {
    const mcore = estimate(specOf({ stack: 'megatron-core@2024' }));
    const nemoFp32 = estimate(specOf({ stack: 'nemo', gradPrecision: 'fp32' }));
    const mcoreBf16 = estimate(specOf({ stack: 'megatron-core@2024', gradPrecision: 'bf16' }));
    const nemo = estimate(specOf({ stack: 'nemo' }));
    expect(nemoFp32.memory.gradientsGiB).toBeCloseTo(mcore.memory.gradientsGiB, 9);
    expect(mcoreBf16.memory.gradientsGiB).toBeCloseTo(nemo.memory.gradientsGiB, 9);
    // BF16 on the wire too: the reduce-scatter moves no more bytes than FP32's.
    expect(nemo.stepTimeS).toBeLessThanOrEqual(nemoFp32.stepTimeS * (1 + 1e-9));
  });
});
