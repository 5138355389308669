import { levelBps, netStepS, type CollectiveAlgorithm, type CollectiveKind, type NetTables } from '../algorithm.js';
import type { GroupSpan } from '../placement.js';

/** NCCL's tree bandwidth against the ring's (tuning.cc: `busBw * .9` for trees). */
export const TREE_BW_FACTOR = 0.9;

/**
 * NCCL's double binary tree (all-reduce only, across nodes): a chain inside each NVLink domain,
 * two complementary binary trees over the nodes. Same bytes per NIC as the ring at 0.9 of its
 * bandwidth, but latency 2·((q0−1)·intra + log2(nodes)·inter) instead of one step per member,
 * which is why NCCL prefers it for small messages and large communicators.
 */
export const tree: CollectiveAlgorithm = {
  id: 'tree',
  supports(kind: CollectiveKind, _t: NetTables, g: GroupSpan) {
    return kind === 'all-reduce' && g.top >= 1;
  },
  timeS(_kind: CollectiveKind, t: NetTables, g: GroupSpan, bytes: number): number {
    const n = g.size;
    if (n <= 1 || bytes <= 0) return 0;
    const q0 = g.members[0] as number;
    const tNvl = q0 > 1 ? (2 * ((q0 - 1) / q0) * bytes) / t.nvlinkBps : 0;
    let tNet = 0;
    for (let k = 1; k <= g.top; k++) {
      const x = (2 * bytes) / (g.members[k - 1] as number) / (levelBps(t, k) * TREE_BW_FACTOR);
      if (x > tNet) tNet = x;
    }
    const nodes = Math.ceil(n / q0);
    const lat = 2 * ((q0 - 1) * t.nvlinkLatencyS + Math.ceil(Math.log2(nodes)) * netStepS(t, g.top));
    return (tNvl > tNet ? tNvl : tNet) + lat;
  },
};
