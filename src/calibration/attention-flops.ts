import type { AttentionMeasurement } from './profile.js';

/**
 * Forward FLOPs of one attention call as the performance model counts them: the QKᵀ and PV
 * products (2 matmuls of 2·s·s·d FLOPs per head and sequence); causal attention skips half
 * of the s×s blocks.
 */
export function attentionFwdFlops(a: Pick<AttentionMeasurement, 'seqLen' | 'batch' | 'heads' | 'headDim' | 'causal'>): number {
  return 4 * a.batch * a.heads * a.seqLen * a.seqLen * a.headDim * (a.causal ? 0.5 : 1);
}
