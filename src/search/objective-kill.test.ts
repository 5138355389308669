/** The objectives' arithmetic, worked by hand (H100: 700 W TDP, $27,500 in the catalog). */
import { describe, expect, it } from 'vitest';
import { findGpu, type GpuSpec } from '../catalog/index.js';
import { costPerToken, isJobObjective, ratesFor, score } from './objective.js';
import { OBJECTIVES } from './types.js';

const h100 = findGpu('h100-sxm') as GpuSpec;

describe('objective arithmetic', () => {
  it('the catalog facts the hand-worked figures use', () => {
    expect(h100.tdpW).toBe(700);
    expect(h100.priceUsd).toBe(27500);
  });

  it('rates: TDP × 1.45 all-in; price over 4 × 8760 h plus power at $0.078/kWh', () => {
    const r = ratesFor(h100, {});
    expect(r.wattsPerGpu).toBeCloseTo(1015, 9);
    // 27,500 / 35,040 h = 0.784817 $/h; 1.015 kW × 0.078 = 0.079170 $/h.
    expect(r.usdPerGpuHour).toBeCloseTo(0.784817351 + 0.07917, 8);
    // Given watts feed the power cost; a given price replaces the whole rate.
    expect(ratesFor(h100, { wattsPerGpu: 1000 })).toEqual({ wattsPerGpu: 1000, usdPerGpuHour: 27500 / 35040 + 0.078 });
    expect(ratesFor(h100, { usdPerGpuHour: 2 })).toEqual({ wattsPerGpu: 700 * 1.45, usdPerGpuHour: 2 });
    // No catalog price: $30,000.
    const { priceUsd: _p, ...noPrice } = h100;
    expect(ratesFor(noPrice, { wattsPerGpu: 1000 }).usdPerGpuHour).toBeCloseTo(30000 / 35040 + 0.078, 12);
  });

  it('cost per token: $ per million tokens and tokens per joule', () => {
    // 100 GPUs at $3.6/h = $0.1/s for 1e6 tokens/s: $0.1 per million tokens; 1e6 / (100 × 1000 W) = 10 tokens/J.
    const c = costPerToken(1e6, 100, { usdPerGpuHour: 3.6, wattsPerGpu: 1000 });
    expect(c.usdPerMillionTokens).toBeCloseTo(0.1, 12);
    expect(c.tokensPerJoule).toBeCloseTo(10, 12);
    const d = costPerToken(2e5, 8, { usdPerGpuHour: 9, wattsPerGpu: 500 });
    expect(d.usdPerMillionTokens).toBeCloseTo(((9 * 8) / 3600 / 2e5) * 1e6, 12); // 0.1
    expect(d.usdPerMillionTokens).toBeCloseTo(0.1, 12);
    expect(d.tokensPerJoule).toBeCloseTo(50, 12);
  });

  it('scores of one result under each objective', () => {
    const rates = { usdPerGpuHour: 2, wattsPerGpu: 500 };
    expect(score('tokens-per-sec', 5000, 10, rates, undefined)).toBe(5000);
    expect(score('tokens-per-sec', 5000, 10, rates, 1e9)).toBe(5000);
    // 864e6 tokens at 5000/s take 172,800 s = 2 days: 0.5 per day.
    expect(score('time-to-train', 5000, 10, rates, 864e6)).toBeCloseTo(0.5, 12);
    expect(score('time-to-train', 5000, 10, rates, undefined)).toBe(5000);
    // 5000 × 3600 tokens per hour for 10 × $2: 900,000 tokens per dollar.
    expect(score('tokens-per-dollar', 5000, 10, rates, undefined)).toBeCloseTo(900000, 6);
    expect(score('tokens-per-joule', 5000, 10, rates, undefined)).toBeCloseTo(1, 12);
  });

  it('two results: the job objectives prefer the faster job, the per-GPU ones the cheaper one', () => {
    const rates = ratesFor(h100, {});
    const big = { tps: 10000, gpus: 16 };
    const small = { tps: 6000, gpus: 8 };
    for (const o of OBJECTIVES) {
      const sBig = score(o, big.tps, big.gpus, rates, 1e12);
      const sSmall = score(o, small.tps, small.gpus, rates, 1e12);
      expect(sBig > sSmall, o).toBe(isJobObjective(o));
    }
  });

  it('the objectives, and which reward the job', () => {
    expect(OBJECTIVES).toEqual(['tokens-per-sec', 'time-to-train', 'tokens-per-dollar', 'tokens-per-joule']);
    expect(OBJECTIVES.map(isJobObjective)).toEqual([true, true, false, false]);
  });
});
