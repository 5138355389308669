import type { CollectiveAlgorithm, CollectiveKind, NetTables } from '../algorithm.js';
import type { GroupSpan } from '../placement.js';

/**
 * All-reduce bus bandwidth with NVLink SHARP over the ring's on 8 H100: ~480 vs ~370 GB/s
 * (NVIDIA's S. Jeaugey, NVIDIA/nccl-tests#212, 2024).
 */
export const NVLS_GAIN = 480 / 370;

/** NVLink SHARP: the NVSwitches reduce; all-reduce inside one NVLink domain (Hopper+). */
export const nvls: CollectiveAlgorithm = {
  id: 'nvls',
  supports(kind: CollectiveKind, t: NetTables, g: GroupSpan) {
    return kind === 'all-reduce' && t.topo.nvls && g.top === 0 && g.size > 1;
  },
  timeS(_kind: CollectiveKind, t: NetTables, g: GroupSpan, bytes: number): number {
    const n = g.size;
    if (n <= 1 || bytes <= 0) return 0;
    return (2 * ((n - 1) / n) * bytes) / (t.nvlinkBps * NVLS_GAIN) + 2 * t.nvlinkLatencyS;
  },
};
