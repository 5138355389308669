import { describe, expect, it } from 'vitest';
import type { BuildoutInput } from './buildout-input.js';
import { simulateBuildout } from './simulate-buildout.js';

const fleet = (gpus: number, racksPerDay: number): BuildoutInput => ({
  deliveries: [{ day: 0, gpuType: 'h100-sxm', gpus }],
  horizonDays: 60,
  gpusPerServer: 8,
  serversPerRack: 8,
  racksPerArray: 32,
  partialCloseAfterIdleDays: 2,
  installPhases: [{ startDay: 0, racksPerDay }],
  networkBringUpDays: 1,
  burnInDays: 1,
  infantMortalityFraction: 0,
  replacementDays: 3,
  powerPhases: [],
  facilityWattsPerGpu: {},
});

function timed(input: BuildoutInput): { ms: number; online: number } {
  const t0 = performance.now();
  const r = simulateBuildout(input);
  return { ms: performance.now() - t0, online: r.days.at(-1)?.gpusOnlineTotal ?? 0 };
}

describe('build-out cost is linear in the racks installed (audit hole 3: rackQueue.shift on 1.56M racks)', () => {
  it('1e8 GPUs delivered on day 0 (1.56M racks queued) finish in seconds, all online', () => {
    const big = timed(fleet(100_000_000, 100_000));
    expect(big.online).toBe(100_000_000);
    expect(big.ms).toBeLessThan(10_000);
  });

  it('10x the racks costs about 10x, not 100x (queue of 156k vs 1.56M racks, all waiting from day 0)', () => {
    timed(fleet(1_000_000, 1_000)); // warm up
    const small = timed(fleet(10_000_000, 1_000_000 / 64 / 60 * 10));
    const large = timed(fleet(100_000_000, 100_000_000 / 64 / 60 * 10));
    expect(large.ms / Math.max(small.ms, 1)).toBeLessThan(40);
  });
});
