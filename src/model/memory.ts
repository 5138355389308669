import type { ModelConfig, ParallelPlan } from '../spec/types.js';
import { attentionShape } from './flops.js';

/**
 * Activation bytes one transformer layer keeps for the backward pass, for one micro-batch,
 * on one GPU. Follows Korthikanti et al. 2022 (§4) tensor by tensor, generalised to GQA,
 * gated MLPs and MoE, with flash attention (no s² score/softmax tensors are stored) and
 * without dropout (modern LLM pre-training uses none):
 *   - norm/residual inputs and the QKV and FC1 inputs: 2·s·b·h each, divided by tp only with
 *     sequence parallelism;
 *   - Q, K, V, the attention output (+ fp32 softmax statistics), FC1/activation outputs: split by tp.
 * With `full` recomputation only the layer input (2·s·b·h, /tp under SP) is kept.
 * Context parallelism splits the sequence by cp.
 */
export function layerActivationBytes(
  m: ModelConfig,
  p: Pick<ParallelPlan, 'tp' | 'cp' | 'microBatch' | 'sequenceParallel' | 'recompute'>,
  seqLen: number,
  moeLayer: boolean,
  opts: { fp8?: boolean; unfusedAttention?: boolean; fineGrainedFp8?: boolean } = {},
): number {
  const tokens = (p.microBatch * seqLen) / p.cp;
  const spDiv = p.sequenceParallel ? p.tp : 1;
  const h = m.hidden;
  if (p.recompute === 'full') return (2 * tokens * h) / spDiv;
  // GEMM inputs are kept in the GEMM's precision (FP8 copies under FP8 training).
  const gin = opts.fp8 ? 1 : 2;
  // Selective recomputation with flash attention recomputes the norms and the activation
  // function: their outputs (the QKV and FC1 inputs, the FC2 input) are not kept.
  const dropsNormAct = p.recompute === 'selective' && !opts.unfusedAttention;
  // LN1 input and LN2 input (residual stream, BF16); QKV input and FC1/router input.
  let bytes = (2 * 2 * tokens * h + (dropsNormAct ? 0 : 2 * gin * tokens * h)) / spDiv;
  // Q, K, V; attention output (kept for the attention backward, plus its FP8 copy as the
  // projection's input); fp32 log-sum-exp per head.
  const { qkDim, vDim } = attentionShape(m);
  if (m.mla) {
    // MLA keeps its latents (the up-projections' inputs, as their sequence-parallel shard) and
    // the inputs of the two latent norms, and, unless selective recomputation replays the
    // up-projections, the full per-head Q, K, V.
    bytes += ((gin + 2) * tokens * (m.mla.qLoraRank + m.mla.kvLoraRank)) / spDiv;
    if (p.recompute !== 'selective') bytes += (2 * tokens * m.heads * (2 * qkDim + vDim)) / p.tp;
  } else {
    bytes += (2 * tokens * (m.heads + 2 * m.kvHeads) * m.headDim) / p.tp;
  }
  // DeepSeek-V3's fine-grained FP8 (§3.3.3) caches the attention output once, in E5M6 (1.5 B),
  // for both the attention backward and the output projection's Wgrad.
  const fine = opts.fp8 === true && opts.fineGrainedFp8 === true;
  const attnOutBytes = fine ? 1.5 : 2 + (opts.fp8 ? 1 : 0);
  bytes += (attnOutBytes * tokens * m.heads * vDim + 4 * tokens * m.heads) / p.tp;
  // Unfused attention keeps the softmax output (2 B) and dropout mask (1 B) per score, unless
  // selective recomputation drops them (Korthikanti et al.'s 5·a·s/h term, without the
  // dropout output, since LLM pre-training here runs without attention dropout).
  if (opts.unfusedAttention && p.recompute !== 'selective') bytes += (2 * tokens * seqLen * m.heads) / p.tp / p.cp;
  const mlpOut = (f: number) => 2 * tokens * (m.gatedMlp ? 2 : 1) * f + (dropsNormAct ? 0 : gin * tokens * f);
  // Fine-grained FP8 caches the experts' SwiGLU input in FP8 and always recomputes its output.
  const expertOut = (f: number) => (fine && m.gatedMlp ? tokens * 2 * f : mlpOut(f));
  if (moeLayer && m.moe) {
    const routed = (tokens / p.tp) * m.moe.topK; // tokens this GPU's experts see (expert TP = 1)
    bytes += (4 * tokens * m.moe.experts) / spDiv; // router logits (fp32)
    // Permuted tokens as the first expert GEMM keeps them (its FP8 copy under FP8), and the
    // routing probabilities (FP32). Megatron-Core applies the probabilities inside the experts'
    // activation (weighted SwiGLU), whose saved input is the FC1 output counted below, so the
    // un-permute is a plain sum that keeps nothing.
    bytes += routed * (h * gin + 4);
    bytes += (expertOut(m.moe.ffnHidden) * routed) / tokens;
    if (m.moe.sharedExperts > 0) bytes += expertOut(m.moe.ffnHidden * m.moe.sharedExperts) / p.tp;
  } else {
    bytes += mlpOut(m.ffnHidden) / p.tp;
  }
  // Selective recomputation drops the attention core's internals; with flash attention those
  // are already not stored, so it keeps the same tensors (and recomputes little).
  return bytes;
}

/** Bytes per parameter for weights, gradients and optimizer state under a sharding stage. */
export interface StateBytes {
  weights: number;
  gradients: number;
  optimizer: number;
}

/**
 * Mixed-precision Adam (Megatron): BF16 weights (2 B), FP32 gradient accumulation (4 B; 2 B with
 * BF16 main gradients), FP32 master weights + two moments (12 B; 8 B with BF16 moments). ZeRO-1 /
 * the distributed optimizer shards the optimizer state, ZeRO-2 also the gradients, ZeRO-3
 * everything, over `shards` data-parallel ranks.
 */
export function stateBytesPerParam(zeroStage: number, shards: number, gradBytes = 4, optimizerBytes = 12): StateBytes {
  const s = Math.max(1, shards);
  return {
    weights: zeroStage >= 3 ? 2 / s : 2,
    gradients: zeroStage >= 2 ? gradBytes / s : gradBytes,
    optimizer: zeroStage >= 1 ? optimizerBytes / s : optimizerBytes,
  };
}

/**
 * Bytes per gradient element: kept (the main-gradient buffer) and sent in the data-parallel
 * reduction. Unset: FP32 accumulation, reduced in BF16 with the distributed optimizer and in
 * FP32 without it; `fp32` / `bf16` (Megatron-Core `grad_reduce_in_fp32` true / false): both.
 */
export function gradientBytes(gradPrecision: 'fp32' | 'bf16' | undefined, zeroStage: number): { kept: number; wire: number } {
  if (gradPrecision === 'bf16') return { kept: 2, wire: 2 };
  if (gradPrecision === 'fp32') return { kept: 4, wire: 4 };
  return { kept: 4, wire: zeroStage >= 1 ? 2 : 4 };
}
