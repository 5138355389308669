import { netStepS, type CollectiveAlgorithm, type CollectiveKind, type NetTables } from '../algorithm.js';
import type { GroupSpan } from '../placement.js';

/**
 * All-to-all (expert-parallel token exchange): every rank sends 1/n of its bytes to every
 * other. The share bound for ranks outside a level-(k-1) domain, (n − q_{k-1})/n, leaves
 * through that domain's uplinks, so the full oversubscription up to level k applies to it:
 * a group inside one pod never sees the core's. NVLink and the levels drain concurrently.
 */
export const pairwise: CollectiveAlgorithm = {
  id: 'pairwise',
  supports(kind: CollectiveKind) {
    return kind === 'all-to-all';
  },
  timeS(_kind: CollectiveKind, t: NetTables, g: GroupSpan, bytes: number): number {
    const n = g.size;
    if (n <= 1 || bytes <= 0) return 0;
    const q0 = g.members[0] as number;
    let tMax = (bytes * (q0 - 1)) / n / (t.nvlinkLineBps * t.allToAllEff);
    for (let k = 1; k <= g.top; k++) {
      const x = (bytes * (n - (g.members[k - 1] as number))) / n / ((t.topo.lineBps[k] as number) * t.allToAllEff);
      if (x > tMax) tMax = x;
    }
    const lat = g.top >= 1 ? netStepS(t, g.top) * Math.log2(n) : t.nvlinkLatencyS * Math.log2(n);
    return tMax + lat;
  },
};
