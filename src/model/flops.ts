import type { ModelConfig } from '../spec/types.js';

/** Matmul parameters of one attention block (QKV with GQA, output projection). */
export function attentionParams(m: ModelConfig): number {
  const qDim = m.heads * m.headDim;
  const kvDim = m.kvHeads * m.headDim;
  return m.hidden * (qDim + 2 * kvDim) + qDim * m.hidden;
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
 * 6 · active matmul parameters + 12 · layers · seqLen · heads · headDim (attention scores and
 * values, not halved for the causal mask). Recomputation is not counted (that is hardware FLOPs).
 */
export function modelFlopsPerToken(m: ModelConfig, seqLen: number): number {
  return 6 * paramCounts(m).activeMatmul + 12 * m.layers * seqLen * m.heads * m.headDim;
}
