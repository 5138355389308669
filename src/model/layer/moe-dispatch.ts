import type { EpDispatch } from '../../spec/types.js';

/**
 * Memory-bound work of one MoE layer around its experts, for one micro-batch on one GPU: the
 * router's score function and top-k, the token permutations before and after the expert-parallel
 * exchange, and the combine (the sum of each token's expert outputs). All of it is gather/scatter
 * or element-wise traffic with nothing to reuse, so its time is the bytes it moves over HBM at the
 * element-wise efficiency, plus one launch per kernel (`EfficiencyModel.kernelS`).
 *
 * Counted from Megatron-Core's MoE layer with Transformer Engine's fused kernels
 * (`megatron/core/transformer/moe/{router,token_dispatcher,moe_utils}.py`, `moe_router_fusion`,
 * `moe_permute_fusion`), the code path of every Megatron/NeMo case here:
 * - **Router** (over the `T` tokens of this GPU and the `E` experts; FP32 logits as
 *   `moe_router_dtype: fp32`): the fused score-function-and-top-k kernel reads the logits (4 B
 *   per token·expert) and writes the scores it keeps for the backward (4), the dense
 *   probabilities (4) and the boolean routing map (1); the tokens-per-expert count reads the map
 *   (1): 14 B per token·expert forward. An auxiliary balance
 *   loss reads the scores and the map again (+5 B, +2 kernels: the aux-loss scores and the loss);
 *   group-limited routing (DeepSeek-V3's node-limited top-k) one more read and masked write of
 *   the scores (+8 B, +2 kernels: the group top-k and the mask). Backward: the softmax/sigmoid
 *   gradient reads the probabilities' gradient and the kept scores and writes the logits'
 *   gradient (12 B per token·expert). The router GEMM is timed with the GEMMs.
 * - **Permutation 1** (`alltoall` only; before the exchange, TE `moe_permute`): the row-id map
 *   from the routing map (read 1 B, write an int32 4 B per token·expert), then each source token
 *   is read once (2·T·h B) and written once per chosen expert (2·R·h B, R = T·K routed copies),
 *   with its probability (read the dense 4 B·T·E, write 4 B per copy). Backward: the copies'
 *   gradients are read (2·R·h) and summed into each token's gradient (2·T·h).
 * - **Permutation 2** (`alltoall` with more than one local expert, `sort_chunks_by_idxs`): the
 *   received copies are re-sorted by local expert (read and write 2·R·h, and their 4 B
 *   probabilities), and un-sorted before the combine (read and write 2·R·h); each the same
 *   backward. With `deepep` (Megatron's flex dispatcher) the exchange lands tokens per
 *   destination rank, and one permutation of the received tokens into per-expert copies (read
 *   and write 2·R·h) and its inverse take the place of both permutations; the source-side gather
 *   and the combine's reduction run inside DeepEP's kernels (timed as its communication).
 * - **Combine** (`alltoall`, un-permutation 1): the copies coming back are read (2·R·h) and each
 *   token's K outputs summed into it (write 2·T·h). The routing weights are applied inside the
 *   experts (Megatron-Core dispatches `permuted_probs` with the tokens and the grouped MLP scales
 *   its activation by them), so the weighted sum costs no pass of its own. Backward: read the
 *   output gradient (2·T·h), write the copies' gradients (2·R·h).
 * The same structure is MegaBlocks' (Gale et al., arXiv 2211.15841 §5: a gather, the block-sparse
 * expert GEMMs, a scatter) and DeepSeek-V3's (arXiv 2412.19437 §3.2: dispatch, experts, combine).
 * Not counted: a capacity factor's dropped copies (the mean is kept; the busiest rank's load is
 * capped by `moeLoadFactor`) and unfused PyTorch permutations, which move more.
 */
export interface MoeDispatchInput {
  /** Tokens this GPU routes (its router GEMM's rows: the sequence-parallel shard). */
  routerTokens: number;
  /** Tokens whose copies this GPU dispatches (the micro-batch's tokens ÷ tp; expert TP 1). */
  tokens: number;
  experts: number;
  topK: number;
  hidden: number;
  /** Experts held by this GPU (experts / ep). */
  localExperts: number;
  epDispatch: EpDispatch;
  /** The router trains an auxiliary balance loss (`aux-loss` balancer). */
  auxLoss: boolean;
  /** Group-limited (node-limited) routing. */
  groupLimited: boolean;
}

/** Bytes and kernels of the dispatch work; the `received*` parts scale with the busiest rank's load. */
export interface MoeDispatchCost {
  fwdBytes: number;
  bwdBytes: number;
  /** The part of fwdBytes/bwdBytes on the received copies (permutation 2), at the mean load. */
  receivedFwdBytes: number;
  receivedBwdBytes: number;
  fwdKernels: number;
  bwdKernels: number;
}

const BF16 = 2;
const FP32 = 4;

/** A zeroed cost, for callers on the hot path that reuse one (`moeDispatchCost(x, out)`). */
export function emptyDispatchCost(): MoeDispatchCost {
  return { fwdBytes: 0, bwdBytes: 0, receivedFwdBytes: 0, receivedBwdBytes: 0, fwdKernels: 0, bwdKernels: 0 };
}

/** The dispatch work of `x`, written into `out` (a fresh object unless one is passed). */
export function moeDispatchCost(x: MoeDispatchInput, out: MoeDispatchCost = emptyDispatchCost()): MoeDispatchCost {
  const T = x.tokens;
  const E = x.experts;
  const R = T * x.topK;
  const h = x.hidden;
  // Router: score function + top-k (one fused TE kernel), the tokens-per-expert count.
  let fwdBytes = x.routerTokens * E * (14 + (x.auxLoss ? 5 : 0) + (x.groupLimited ? 8 : 0));
  let bwdBytes = x.routerTokens * E * 12;
  let fwdKernels = 2 + (x.auxLoss ? 2 : 0) + (x.groupLimited ? 2 : 0);
  let bwdKernels = 1 + (x.auxLoss ? 1 : 0);
  let receivedFwdBytes = 0;
  let receivedBwdBytes = 0;
  if (x.epDispatch === 'alltoall') {
    // Permutation 1 (row-id map, gather with probabilities) and the combine.
    fwdBytes += T * E * (1 + 4 + FP32) + BF16 * T * h + BF16 * R * h + FP32 * R;
    fwdBytes += BF16 * R * h + BF16 * T * h;
    bwdBytes += 2 * (BF16 * R * h + BF16 * T * h);
    fwdKernels += 3;
    bwdKernels += 2;
    if (x.localExperts > 1) {
      // Sort by local expert after the exchange, un-sort before the combine.
      receivedFwdBytes = 2 * (2 * BF16 * R * h) + 2 * FP32 * R;
      receivedBwdBytes = 2 * (2 * BF16 * R * h);
      fwdKernels += 2;
      bwdKernels += 2;
    }
  } else {
    // DeepEP: one permutation of the received tokens into per-expert copies, and its inverse.
    receivedFwdBytes = 2 * (2 * BF16 * R * h) + 2 * FP32 * R;
    receivedBwdBytes = 2 * (2 * BF16 * R * h);
    fwdKernels += 3;
    bwdKernels += 2;
  }
  out.fwdBytes = fwdBytes + receivedFwdBytes;
  out.bwdBytes = bwdBytes + receivedBwdBytes;
  out.receivedFwdBytes = receivedFwdBytes;
  out.receivedBwdBytes = receivedBwdBytes;
  out.fwdKernels = fwdKernels;
  out.bwdKernels = bwdKernels;
  return out;
}
