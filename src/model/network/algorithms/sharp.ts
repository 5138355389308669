import { levelBps, netStepS, type CollectiveAlgorithm, type CollectiveKind, type NetTables } from '../algorithm.js';
import type { GroupSpan } from '../placement.js';

/** NCCL's CollNet bandwidth against line rate (tuning.cc: `busBw *= .9` for CollNet). */
export const SHARP_BW_FACTOR = 0.9;

/**
 * In-network reduction (InfiniBand SHARP, NCCL CollNet), all-reduce only, where every switch
 * tier the group reaches has it: reduce-scatter inside the NVLink domain, each GPU sends its
 * 1/q0 shard up once and receives the reduced shard once (half a ring's NIC bytes, and the
 * switches, not the uplinks, carry the reduction so oversubscription does not multiply it),
 * then all-gather inside the domain. Latency: one trip up and down the tree of switches.
 */
export const sharp: CollectiveAlgorithm = {
  id: 'sharp',
  supports(kind: CollectiveKind, t: NetTables, g: GroupSpan) {
    return kind === 'all-reduce' && g.top >= 1 && t.topo.sharpUpTo[g.top] === true;
  },
  timeS(_kind: CollectiveKind, t: NetTables, g: GroupSpan, bytes: number): number {
    if (g.size <= 1 || bytes <= 0) return 0;
    const q0 = g.members[0] as number;
    const intra = q0 > 1 ? 2 * (((q0 - 1) / q0) * bytes / t.nvlinkBps + (q0 - 1) * t.nvlinkLatencyS) : 0;
    const net = bytes / q0 / (levelBps(t, 1) * SHARP_BW_FACTOR) + 2 * netStepS(t, g.top);
    return intra + net;
  },
};
