import type { CpComm, ModelConfig, Recompute } from '../../spec/types.js';
import { allToAllS, p2pS, type Network } from '../collectives.js';
import { attentionShape } from '../flops.js';

/**
 * Context-parallel communication of one layer for one micro-batch, by exchange (`cpComm`):
 *
 * - `ring` (Megatron-Core `p2p`, torchtitan's ring rotation): `cp − 1` point-to-point steps of a
 *   K/V block (backward: K/V again and dK/dV), each hidden behind the attention block it feeds.
 *   The sequence is split in `2·cp` chunks, rank i holding chunks i and 2cp−1−i (Transformer
 *   Engine `get_seq_chunk_ids_for_reordering_*`; PyTorch CP's head-tail load balancer), so every
 *   rank does the same causal work: no load imbalance is modelled because none is left.
 * - `allgather`: the same bytes, gathered before the kernel and reduce-scattered after its
 *   backward: nothing hidden.
 * - `a2a` (DeepSpeed-Ulysses, arXiv 2309.14509; Megatron-Core `a2a`): Q, K and V are re-sharded
 *   from sequence to heads by one all-to-all each over the CP group, the attention output back
 *   (4 per forward; the backward the same 4 on the gradients; full recomputation repeats the
 *   forward ones). Each rank then runs the full sequence for `heads/(tp·cp)` heads: no causal
 *   imbalance at all. On the critical path (Transformer Engine's `flash_attn_a2a_communicate`
 *   only pipelines the layout transposes of one tensor with the next tensor's all-to-all).
 * - `a2a+p2p` (Megatron-Core hierarchical CP): an all-to-all over an inner group of `a` ranks
 *   inside the NVLink domain, then a ring over the `cp/a` outer groups, whose per-step block is
 *   the same size as the flat ring's (`a`× the tokens, `1/a` of the heads) and hides behind the
 *   attention as the ring does.
 */
export interface CpCommCost {
  /** On the critical path. */
  exposedS: number;
  /** Hidden behind the attention blocks. */
  overlappedS: number;
  /** The all-to-all part (exposed). */
  a2aS: number;
  /** The ring or all-gather part, hidden or not. */
  ringS: number;
}

/**
 * KV heads one tensor-parallel rank holds: `kvHeads/tp`, or one (replicated) when tp exceeds
 * them. MLA expands K and V per query head before the attention core.
 */
export function kvHeadsPerTp(m: ModelConfig, tp: number): number {
  const kv = m.mla ? m.heads : m.kvHeads;
  return kv % tp === 0 ? kv / tp : 1;
}

/**
 * The all-to-all group of an exchange: `a2a` all of cp; `a2a+p2p` the largest divisor `a` of cp
 * whose `tp·a` ranks fit in one NVLink domain (Megatron-Core's rank order puts CP right above
 * TP) and that divides both the query and the KV heads per TP rank (Megatron-Core leaves the
 * split to `hierarchical_context_parallel_sizes`; this is the split that keeps the all-to-all
 * on NVLink); `ring` and `allgather` 1.
 */
export function cpA2aSize(m: ModelConfig, tp: number, cp: number, comm: CpComm, nvlinkDomain: number): number {
  if (comm === 'a2a') return cp;
  if (comm !== 'a2a+p2p') return 1;
  const q = m.heads / tp;
  const kv = kvHeadsPerTp(m, tp);
  const fit = Math.max(1, Math.floor(nvlinkDomain / tp));
  for (let a = Math.min(cp, fit); a > 1; a--) if (cp % a === 0 && q % a === 0 && kv % a === 0) return a;
  return 1;
}

/**
 * Why an exchange cannot run a plan, or undefined. Ulysses splits heads over its group: the
 * query heads and the KV heads per TP rank must both divide by it (Transformer Engine's
 * `AttnFuncWithCPAndQKVOA2A` asserts it; KV heads are not replicated to make room, which would
 * grow K and V by the replication factor; Megatron-Bridge documents a2a as "CP ≤ num_kv_heads").
 */
export function cpCommProblem(m: ModelConfig, tp: number, cp: number, comm: CpComm, nvlinkDomain: number): string | undefined {
  if (cp <= 1) return undefined;
  if (comm === 'a2a') {
    const q = m.heads / tp;
    const kv = kvHeadsPerTp(m, tp);
    if (q % cp !== 0 || kv % cp !== 0) return `a2a splits the heads over cp: heads/tp (${q}) and kv heads/tp (${kv}) must be divisible by cp (${cp})`;
  } else if (comm === 'a2a+p2p' && cpA2aSize(m, tp, cp, comm, nvlinkDomain) < 2) {
    return `a2a+p2p needs an all-to-all group of at least 2 ranks that divides cp (${cp}), heads/tp (${m.heads / tp}) and kv heads/tp (${kvHeadsPerTp(m, tp)}) and fits tp·size in the NVLink domain (${nvlinkDomain})`;
  }
  return undefined;
}

/**
 * One layer's CP communication for one micro-batch of `tokens` tokens per rank (`s·mb/cp`),
 * given the attention core's forward and backward time it may hide behind.
 */
export function cpCommCost(net: Network, m: ModelConfig, p: { tp: number; cp: number; recompute: Recompute }, comm: CpComm, tokens: number, attnS: number): CpCommCost {
  if (p.cp <= 1) return { exposedS: 0, overlappedS: 0, a2aS: 0, ringS: 0 };
  const { qkDim, vDim } = attentionShape(m);
  const full = p.recompute === 'full' ? 1 : 0;
  const kvHeads = m.mla ? m.heads : m.kvHeads;
  // BF16 K and V of this rank's tokens (its TP shard of the heads): one ring block.
  const kvBytes = (2 * tokens * kvHeads * (qkDim + vDim)) / p.tp;
  const a = cpA2aSize(m, p.tp, p.cp, comm, net.domain);
  let a2aS = 0;
  if (a > 1) {
    const q = (2 * tokens * m.heads * qkDim) / p.tp;
    const k = (2 * tokens * kvHeads * qkDim) / p.tp;
    const v = (2 * tokens * kvHeads * vDim) / p.tp;
    const o = (2 * tokens * m.heads * vDim) / p.tp;
    const pass = allToAllS(net, q, a, p.tp) + allToAllS(net, k, a, p.tp) + allToAllS(net, v, a, p.tp) + allToAllS(net, o, a, p.tp);
    a2aS = (2 + full) * pass;
  }
  const outer = p.cp / a;
  // The ring (or the outer ring of a2a+p2p, its neighbours tp·a apart): forward K/V, backward
  // K/V and dK/dV, the forward again under full recomputation.
  const ringS = outer > 1 ? (outer - 1) * p2pS(net, kvBytes, p.tp * a, p.tp * p.cp) * (3 + full) : 0;
  const ringExposed = comm === 'allgather' ? ringS : Math.max(0, ringS - attnS);
  return { exposedS: a2aS + ringExposed, overlappedS: ringS - ringExposed, a2aS, ringS };
}
