import type { AttentionKernelId, GpuArch } from './stack.js';

/**
 * Flash-attention kernel efficiency relative to the efficiency model's reference kernel
 * (`attentionFwd`, `attentionBwdRatio`: cuDNN fused attention on Hopper), from the kernel
 * benchmarks their papers publish (values read off the figures, causal, BF16, sequence 8k–16k):
 * - FlashAttention-3 paper (Shah et al. 2024, arXiv 2407.08608, Figs. 5–7, H100 SXM5): cuDNN
 *   forward ~550–600 TFLOP/s at head size 128; FlashAttention-2 forward ~330–370, backward
 *   ~250–300; at head size 64 FA2 forward ~280–320 and cuDNN/FA3 ~400–500.
 * - FlashAttention-2 paper (Dao 2023, arXiv 2307.08691, Figs. 4–6, A100 80GB): forward ~190–200
 *   TFLOP/s at head size 128 (~170–180 at 64), backward ~160–170. On Ampere, cuDNN/TE fused
 *   attention is of the same class (TE dispatches to flash-attn there).
 * - The Triton FlashAttention kernel (flash-attn's `flash_attn_triton`, what LLM Foundry's
 *   `attn_impl: triton` ran) in the same FA2 figures: forward ~120–130 TFLOP/s against FA2's
 *   ~195 (0.64), backward ~100 against ~165 (0.6); the same ratio to FA2 is assumed on Hopper.
 * Blackwell has no published FA2 figure; FA2 does not use its tensor-memory MMA, so the Hopper
 * FA2/cuDNN ratio is assumed.
 */
export interface AttentionKernelFactors {
  /** Forward efficiency relative to the reference. */
  fwd: number;
  /** Backward/forward time ratio relative to the reference ratio. */
  bwdRatio: number;
  /** Forward efficiency at head size 64 relative to head size 128 (<= 64 uses it). */
  smallHead: number;
}

const REF_FWD = 0.55;
const REF_BWD_RATIO = 2.5;
const HOPPER_FA2: AttentionKernelFactors = { fwd: 0.35 / REF_FWD, bwdRatio: (2.5 * 0.35) / 0.28 / REF_BWD_RATIO, smallHead: 0.3 / 0.35 };
const HOPPER_CUDNN: AttentionKernelFactors = { fwd: 1, bwdRatio: 1, smallHead: 0.45 / 0.575 };
const AMPERE_FA2: AttentionKernelFactors = { fwd: 0.62 / REF_FWD, bwdRatio: (2.5 * 0.62) / 0.53 / REF_BWD_RATIO, smallHead: 0.175 / 0.195 };

/** The Triton kernel relative to FA2 on the same GPU (FA2 paper, A100 figures). */
function triton(fa2: AttentionKernelFactors): AttentionKernelFactors {
  return { fwd: fa2.fwd * 0.64, bwdRatio: fa2.bwdRatio * (0.64 / 0.6), smallHead: fa2.smallHead };
}

const TABLE: Readonly<Record<GpuArch, Readonly<Record<Exclude<AttentionKernelId, 'unfused'>, AttentionKernelFactors>>>> = {
  ampere: { 'cudnn-fused': AMPERE_FA2, flash2: AMPERE_FA2, 'flash-triton': triton(AMPERE_FA2) },
  hopper: { 'cudnn-fused': HOPPER_CUDNN, flash2: HOPPER_FA2, 'flash-triton': triton(HOPPER_FA2) },
  blackwell: { 'cudnn-fused': HOPPER_CUDNN, flash2: HOPPER_FA2, 'flash-triton': triton(HOPPER_FA2) },
  cdna3: { 'cudnn-fused': HOPPER_CUDNN, flash2: HOPPER_CUDNN, 'flash-triton': triton(HOPPER_CUDNN) },
};

export function attentionKernelFactors(kernel: Exclude<AttentionKernelId, 'unfused'>, arch: GpuArch): AttentionKernelFactors {
  return TABLE[arch][kernel];
}
