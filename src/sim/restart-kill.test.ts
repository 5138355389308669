import { describe, expect, it } from 'vitest';
import { REJOIN_NIC_GBPS, RESTART_DEFAULTS, ncclInitS, partialRejoinS, restartBreakdown } from './restart.js';

/* The re-forming replica's time (partial recovery), worked by hand from its parts. */

describe('partialRejoinS', () => {
  it('process start + NCCL init of the replica’s ranks + the state over its NICs', () => {
    // 64 GPUs copying 6.4 TB at 50 GB/s each: 2 s; NCCL 5 s + 4 ms × 64; process start 60 s.
    expect(REJOIN_NIC_GBPS).toBe(50);
    expect(ncclInitS(RESTART_DEFAULTS, 64)).toBeCloseTo(5.256, 12);
    expect(partialRejoinS(RESTART_DEFAULTS, 64, 6.4e12)).toBeCloseTo(60 + 5.256 + 2, 9);
    // Twice the state, twice the copy; a lone GPU (or none) copies over one NIC.
    expect(partialRejoinS(RESTART_DEFAULTS, 64, 12.8e12) - partialRejoinS(RESTART_DEFAULTS, 64, 6.4e12)).toBeCloseTo(2, 9);
    expect(partialRejoinS(RESTART_DEFAULTS, 0, 1e11)).toBeCloseTo(60 + 5.004 + 2, 9);
  });

  it('a hot-spare restart is the NCCL init and the warm-up only', () => {
    const b = restartBreakdown({ ...RESTART_DEFAULTS, policy: 'hot-spare' }, 1000, 3);
    expect(b).toEqual({ policy: 'hot-spare', schedulerS: 0, processStartS: 0, ncclInitS: 9, warmupS: 6, stallS: 0, totalS: 15 });
  });
});
