import { levelBps, netStepS, type CollectiveAlgorithm, type CollectiveKind, type NetTables } from '../algorithm.js';
import type { GroupSpan } from '../placement.js';

/**
 * NCCL's ring: one ring through every member in rank order, NVLink inside a domain, one NIC
 * hop between domains, all edges busy at once (so the slowest edge class sets the pace). A
 * GPU's NIC carries 1/q0 of the inter-node traffic (q0 members per NVLink domain share the
 * node's channels), and of a level-(k-1) domain's q members only one ring edge leaves it, so
 * traffic leaving it is 1/q of a member's share, against the uplinks' line rate ÷ the
 * oversubscription up to level k. Latency: one step per member, NCCL's
 * (nsteps − nInterSteps)·intra + nInterSteps·inter (src/graph/tuning.cc), all-reduce = RS + AG.
 */
export const ring: CollectiveAlgorithm = {
  id: 'ring',
  supports(kind: CollectiveKind) {
    return kind !== 'all-to-all';
  },
  timeS(kind: CollectiveKind, t: NetTables, g: GroupSpan, bytes: number): number {
    const n = g.size;
    if (n <= 1 || bytes <= 0) return 0;
    const frac = (n - 1) / n;
    const q0 = g.members[0] as number;
    const tNvl = q0 > 1 ? (frac * bytes) / t.nvlinkBps : 0;
    let tNet = 0;
    for (let k = 1; k <= g.top; k++) {
      const x = (frac * bytes) / (g.members[k - 1] as number) / levelBps(t, k);
      if (x > tNet) tNet = x;
    }
    const nodes = Math.ceil(n / q0);
    const lat = g.top === 0 ? (n - 1) * t.nvlinkLatencyS : (n - nodes) * t.nvlinkLatencyS + (nodes - 1) * netStepS(t, g.top);
    const one = (tNvl > tNet ? tNvl : tNet) + lat;
    return kind === 'all-reduce' ? 2 * one : one;
  },
};
