import { describe, expect, it } from 'vitest';
import { defaultColossusBuildout } from './default-colossus-buildout.js';
import { simulateBuildout } from './simulate-buildout.js';
import { siteSteps } from './site-steps.js';

describe('siteSteps', () => {
  const b = simulateBuildout(defaultColossusBuildout);
  const steps = siteSteps(b);

  it('keeps day 0 and only the days on which something changes', () => {
    expect(steps[0]?.day).toBe(0);
    expect(steps.length).toBeLessThan(b.days.length);
    for (let i = 1; i < steps.length; i++) {
      const [p, q] = [steps[i - 1]!, steps[i]!];
      expect(q.day).toBeGreaterThan(p.day);
      expect(JSON.stringify({ ...p, day: 0 })).not.toBe(JSON.stringify({ ...q, day: 0 }));
    }
  });

  it('agrees with the build-out on every day (the value in force is that day\'s)', () => {
    const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, c) => a + c, 0);
    for (const d of b.days) {
      const s = steps.filter((x) => x.day <= d.day).at(-1)!;
      expect(s.gpusDelivered).toBe(sum(d.gpusDelivered));
      expect(s.gpusReady).toBe(sum(d.gpusReady));
      expect(s.gpusOnline).toBe(d.gpusOnlineTotal);
      expect(s.powerLimitMw).toBe(d.powerLimitMw);
      expect(s.powerUsedMw).toBeCloseTo(d.powerUsedMw, 2);
      // Conservation along the pipeline, and power within its limit.
      expect(s.gpusDelivered).toBeGreaterThanOrEqual(s.gpusReady);
      expect(s.gpusReady).toBeGreaterThanOrEqual(s.gpusOnline);
      if (s.powerLimitMw !== null) expect(s.powerUsedMw).toBeLessThanOrEqual(s.powerLimitMw + 1e-3);
    }
  });
});
