import type { ModelConfig } from '../spec/types.js';

/** One projection GEMM of attention, per token: input size × output size. */
export interface Projection {
  inDim: number;
  outDim: number;
  /**
   * How tensor parallelism splits it: by heads on its output (column-parallel: QKV, MLA's
   * up-projections), on its input (row-parallel: the output projection), or not at all (MLA's
   * down-projections, computed on every rank for its sequence-parallel shard of tokens).
   */
  split: 'out' | 'in' | 'none';
  /** An MLA projection to per-head queries/keys/values: what selective recomputation replays. */
  upProj: boolean;
}

/** The shape of an attention block: per-head score and value sizes, and its projections. */
export interface AttentionShape {
  qkDim: number;
  vDim: number;
  projections: readonly Projection[];
}

const shapeCache = new WeakMap<ModelConfig, AttentionShape>();
/**
 * GQA: one fused QKV projection and the output projection. MLA (DeepSeek-V2/V3): queries
 * through a `qLoraRank` latent (or straight), keys/values through a shared `kvLoraRank` latent
 * plus a shared RoPE key; the down-projections are replicated on every TP rank, the
 * up-projections and the output split by heads.
 */
export function attentionShape(m: ModelConfig): AttentionShape {
  let a = shapeCache.get(m);
  if (a) return a;
  const h = m.hidden;
  const H = m.heads;
  const p = (inDim: number, outDim: number, split: Projection['split'], upProj = false): Projection => ({ inDim, outDim, split, upProj });
  if (m.mla) {
    const { qLoraRank: qL, kvLoraRank: kvL, qkRopeDim: rope, vHeadDim: v } = m.mla;
    const nope = m.headDim - rope;
    // Megatron-Core's `mla_up_proj` recomputation replays the query projection whether it
    // starts from a latent or from the hidden state.
    const q = qL > 0 ? [p(h, qL, 'none'), p(qL, H * m.headDim, 'out', true)] : [p(h, H * m.headDim, 'out', true)];
    a = { qkDim: m.headDim, vDim: v, projections: [...q, p(h, kvL + rope, 'none'), p(kvL, H * (nope + v), 'out', true), p(H * v, h, 'in')] };
  } else {
    a = { qkDim: m.headDim, vDim: m.headDim, projections: [p(h, (H + 2 * m.kvHeads) * m.headDim, 'out'), p(H * m.headDim, h, 'in')] };
  }
  shapeCache.set(m, a);
  return a;
}

/** Width of what the sequence-parallel all-gather before attention carries: MLA gathers its latents. */
export function attentionGatherWidth(m: ModelConfig): number {
  return m.mla ? m.mla.qLoraRank + m.mla.kvLoraRank + m.mla.qkRopeDim : m.hidden;
}

/** Matmul parameters of one attention block (its projections). */
export function attentionParams(m: ModelConfig): number {
  let n = 0;
  for (const x of attentionShape(m).projections) n += x.inDim * x.outDim;
  return n;
}

/** Matrices of one MLP: 3 for gated (SwiGLU-style), 2 otherwise. */
export function mlpMatrices(m: ModelConfig): number {
  return m.gatedMlp ? 3 : 2;
}

export function denseMlpParams(m: ModelConfig): number {
  return mlpMatrices(m) * m.hidden * m.ffnHidden;
}

/** Parameters of one routed expert. */
export function expertParams(m: ModelConfig): number {
  return m.moe ? mlpMatrices(m) * m.hidden * m.moe.ffnHidden : 0;
}

export function moeLayerCount(m: ModelConfig): number {
  return m.moe ? Math.max(0, m.layers - m.moe.denseLayers) : 0;
}

export function denseLayerCount(m: ModelConfig): number {
  return m.layers - moeLayerCount(m);
}

export interface ParamCounts {
  total: number;
  /** Matmul parameters a token passes through (routed experts counted top-k times), LM head included. */
  activeMatmul: number;
  embedding: number;
}

/** Parameter counts (norm weights and biases are ignored: <0.1% of any model here). */
export function paramCounts(m: ModelConfig): ParamCounts {
  const attn = attentionParams(m);
  const dense = denseMlpParams(m);
  const moeLayers = moeLayerCount(m);
  const denseLayers = denseLayerCount(m);
  const embedding = m.vocab * m.hidden;
  const lmHead = m.vocab * m.hidden;
  let total = m.layers * attn + denseLayers * dense + embedding + lmHead;
  let activeMatmul = m.layers * attn + denseLayers * dense + lmHead;
  if (m.moe) {
    const e = expertParams(m);
    const router = m.hidden * m.moe.experts;
    total += moeLayers * (m.moe.experts * e + m.moe.sharedExperts * e + router);
    activeMatmul += moeLayers * ((m.moe.topK + m.moe.sharedExperts) * e + router);
  }
  return { total, activeMatmul, embedding };
}

/**
 * Model FLOPs per token (forward + backward), the PaLM/Megatron convention:
 * 6 · active matmul parameters + 6 · layers · seqLen · heads · (qkDim + vDim) (attention scores
 * and values, not halved for the causal mask; 12·…·headDim when both are headDim).
 * Recomputation is not counted (that is hardware FLOPs). `causal`: attention halved for the
 * causal mask (what a causal kernel computes; the convention of `Estimate.mfu`).
 */
export function modelFlopsPerToken(m: ModelConfig, seqLen: number, causal = false): number {
  const a = attentionShape(m);
  return 6 * paramCounts(m).activeMatmul + (causal ? 3 : 6) * m.layers * seqLen * m.heads * (a.qkDim + a.vDim);
}
