import type { ModelConfig } from '../../spec/types.js';
import type { EfficiencyModel } from '../efficiency.js';
import type { AttentionKernelFactors } from '../stack/attention-kernels.js';
import { attentionShape } from '../flops.js';
import type { GemmClock } from './gemm-clock.js';
import type { LayerPlan } from './layer-plan.js';

/** The attention core's cost for one micro-batch on one GPU. */
export interface AttentionCost {
  fwdFlops: number;
  fwdS: number;
  bwdS: number;
}

/**
 * Attention core: flash (causal blocks skipped, nothing s×s in HBM) or unfused. Uses (and
 * resets) `clock` for the unfused batched GEMMs.
 */
export function attentionCost(m: ModelConfig, p: LayerPlan, s: number, kernel: AttentionKernelFactors | null, eff: EfficiencyModel, clock: GemmClock, hbmBps: number, bf16Peak: number): AttentionCost {
  const unfused = kernel === null;
  const { qkDim, vDim } = attentionShape(m);
  const scores = (p.microBatch * s * s * m.heads) / (p.cp * p.tp); // score elements per GPU
  if (unfused) {
    // Full s×s scores by batched GEMMs (heads·micro-batch of s×s×d), then scale-mask-softmax
    // as memory-bound kernels: write scores, read them, write probabilities (2+2+2 B); the
    // backward reads probabilities and their gradients (×2). No attention dropout.
    const fwdFlops = 2 * scores * (qkDim + vDim);
    const batched = (p.microBatch * m.heads) / p.tp;
    clock.reset();
    clock.fwdBwd(s / p.cp, s, qkDim, batched); // Q·Kᵀ
    clock.fwdBwd(s / p.cp, vDim, s, batched); // P·V
    const softmaxFwdS = (6 * scores) / hbmBps;
    return { fwdFlops, fwdS: clock.fwdS + softmaxFwdS, bwdS: clock.bwdS + 2 * softmaxFwdS };
  }
  // The stack's kernel on this GPU generation (relative to the reference), slower at head size 64.
  const attnEff = eff.attentionFwd * kernel.fwd * (qkDim <= 64 ? kernel.smallHead : 1) * (s / (s + eff.attentionHalfSeq));
  const fwdFlops = 2 * scores * (qkDim + vDim) * 0.5;
  const fwdS = fwdFlops / (bf16Peak * attnEff);
  return { fwdFlops, fwdS, bwdS: fwdS * eff.attentionBwdRatio * kernel.bwdRatio };
}
