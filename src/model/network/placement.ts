import type { Topology } from './topology.js';

/**
 * Where a communication group sits. Megatron-Core's default rank order is tp → cp → ep → dp →
 * pp (tp innermost) and ranks fill GPUs in order, so a group is `size` ranks `stride` apart:
 * TP (tp, 1), CP (cp, tp), EP (ep, 1) with expert-TP 1, DP (dp·cp, tp), expert DP
 * (dp·cp·tp/ep, ep), PP (pp, tp·cp·dp). `members[k]` is how many of its ranks share one
 * domain of level k (the largest even split when the layout is uneven); `top` is the lowest
 * level whose domain holds the whole group.
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
  for (let k = d.length - 1; k >= 0; k--) {
    const D = d[k] as number;
    let q = stride >= D ? 1 : Math.max(1, Math.min(size, Math.floor(D / stride)));
    // Uneven layouts: the least-populated domain sets the pace (its members reach the rest
    // through the tier above), so count the largest even split.
    while (size % q !== 0) q--;
    out.members[k] = q;
    if (q >= size) top = k;
  }
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
