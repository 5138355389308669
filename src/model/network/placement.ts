import type { Topology } from './topology.js';

/**
 * Where a communication group sits. Megatron-Core's default rank order is tp → cp → ep → dp →
 * pp (tp innermost) and ranks fill GPUs in order, so a group is `size` ranks `stride` apart:
 * TP (tp, 1), CP (cp, tp), EP (ep, 1) with expert-TP 1, DP (dp·cp, tp), expert DP
 * (dp·cp·tp/ep, ep), PP (pp, tp·cp·dp). `members[k]` is how many of its ranks share one
 * domain of level k (of the least-populated domain when the layout is uneven); `top` is the
 * lowest level whose domain holds the whole group.
 */
export interface GroupSpan {
  size: number;
  stride: number;
  members: number[];
  top: number;
}

export function newSpan(levels: number): GroupSpan {
  return { size: 1, stride: 1, members: new Array<number>(levels).fill(1), top: 0 };
}

/** Fill `out` with the span of a (size, stride) group; allocates nothing. */
export function spanInto(topo: Topology, size: number, stride: number, out: GroupSpan): GroupSpan {
  out.size = size;
  out.stride = stride;
  const d = topo.domainGpus;
  let top = d.length - 1;
  let prev = 1;
  for (let k = 0; k < d.length; k++) {
    const D = d[k] as number;
    let q: number;
    if (stride >= D) q = 1;
    else {
      // Q members fill each domain in rank order; the last domain holds the remainder, and the
      // least-populated domain sets the pace (its members reach the rest through the tier above).
      const Q = Math.max(1, Math.floor(D / stride));
      if (size <= Q) q = size;
      else {
        const r = size % Q;
        q = r === 0 ? Q : r;
      }
    }
    if (q < prev) q = prev;
    out.members[k] = q;
    prev = q;
  }
  for (let k = d.length - 1; k >= 0; k--) if ((out.members[k] as number) >= size) top = k;
  out.top = size <= 1 ? 0 : top;
  return out;
}

export function spanOf(topo: Topology, size: number, stride: number): GroupSpan {
  return spanInto(topo, size, stride, newSpan(topo.domainGpus.length));
}

/** Members of a group that share one domain of `level`. */
export function membersWithin(topo: Topology, level: number, size: number, stride: number): number {
  const D = topo.domainGpus[level] ?? Infinity;
  return stride >= D ? 1 : Math.max(1, Math.min(size, Math.floor(D / stride)));
}

/**
 * Point-to-point between ranks `stride` apart (pipeline stages), `extent` ranks in all. Of the
 * GPUs of one level-(k-1) domain of B GPUs, a share min(1, stride/B) have their partner outside
 * it, and all of them push through that domain's uplinks into level k at once. Returns the
 * slowdown against one NIC at line rate (≥ 1); `levelOut[0]` gets the highest level crossed.
 */
export function p2pSlowdown(topo: Topology, stride: number, extent: number, levelOut?: number[]): number {
  const d = topo.domainGpus;
  let worst = 1;
  let top = 0;
  for (let k = 1; k < d.length; k++) {
    const below = d[k - 1] as number;
    if (extent <= below) break;
    top = k;
    const f = (Math.min(1, stride / below) * topo.nicLineBps) / (topo.lineBps[k] as number);
    if (f > worst) worst = f;
  }
  if (levelOut) levelOut[0] = top;
  return worst;
}
