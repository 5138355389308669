import { levelBps, netStepS, type CollectiveAlgorithm, type CollectiveKind, type NetTables } from '../algorithm.js';
import type { GroupSpan } from '../placement.js';
import { NVLS_GAIN } from './nvls.js';

/**
 * Hierarchical (one phase per level, as ASTRA-sim and NCCL's NVLS-tree do): reduce-scatter
 * inside the NVLink domain, then among the level-1 domains on 1/q0 of the data, and so on up
 * to the group's top level; all-gather back down. Phases run one after another, each a ring
 * of the m_k = q_k/q_{k-1} peers that differ at that level. All-reduce = both halves, with
 * the NVLink phase on NVLink SHARP where the NVSwitches have it.
 */
export const hierarchical: CollectiveAlgorithm = {
  id: 'hierarchical',
  supports(kind: CollectiveKind, _t: NetTables, g: GroupSpan) {
    return kind !== 'all-to-all' && g.top >= 1;
  },
  timeS(kind: CollectiveKind, t: NetTables, g: GroupSpan, bytes: number): number {
    if (g.size <= 1 || bytes <= 0) return 0;
    let total = 0;
    let prev = 1;
    for (let k = 0; k <= g.top; k++) {
      const q = g.members[k] as number;
      const m = q / prev;
      if (m > 1) {
        const part = bytes / prev;
        const frac = (m - 1) / m;
        if (k === 0) {
          const bw = kind === 'all-reduce' && t.topo.nvls ? t.nvlinkBps * NVLS_GAIN : t.nvlinkBps;
          total += (frac * part) / bw + (m - 1) * t.nvlinkLatencyS;
        } else {
          total += (frac * part) / levelBps(t, k) + (m - 1) * netStepS(t, k);
        }
      }
      prev = q;
    }
    return kind === 'all-reduce' ? 2 * total : total;
  },
};
