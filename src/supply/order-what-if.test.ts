import { describe, expect, it } from 'vitest';
import { InputError } from '../core/issue.js';
import type { AllocationInput } from './allocation-input.js';
import { defaultHopperMarket2024 } from './default-hopper-market.js';
import { applyOrderChange, compareOrderChange } from './order-what-if.js';

const market: AllocationInput = {
  policy: 'pro-rata',
  startMonth: '2024-01',
  supply: [{ product: 'h100-sxm', unitsPerMonth: new Array<number>(24).fill(100) }],
  customers: [
    { name: 'xAI', orders: [{ product: 'h100-sxm', units: 400, orderedMonth: 0 }] },
    { name: 'Meta', orders: [{ product: 'h100-sxm', units: 400, orderedMonth: 0 }] },
  ],
};

describe('compareOrderChange', () => {
  it('a rival doubling its order delays everyone sharing the supply', () => {
    const r = compareOrderChange(market, { customer: 'Meta', factor: 2 });
    expect(r.rows).toEqual([
      expect.objectContaining({ customer: 'xAI', baselineCompletionMonth: 7, scenarioCompletionMonth: 11, delayMonths: 4 }),
      expect.objectContaining({ customer: 'Meta', scenarioUnitsOrdered: 800, baselineCompletionDate: '2024-08' }),
    ]);
    expect(r.rows[1]?.scenarioCompletionMonth).toBe(11);
  });

  it('reports a customer who no longer completes within the horizon', () => {
    const r = compareOrderChange({ ...market, horizonMonths: 9 }, { customer: 'Meta', factor: 2 });
    expect(r.rows[0]).toMatchObject({ baselineCompletes: true, scenarioCompletes: false, delayMonths: null });
  });

  it('changes only the named product when asked, and leaves the input untouched', () => {
    const changed = applyOrderChange(defaultHopperMarket2024, { customer: 'xAI', factor: 2, product: 'h200-sxm' });
    const xai = changed.customers.find((c) => c.name === 'xAI');
    expect(xai?.orders.map((o) => o.units)).toEqual([100_000, 50_000, 100_000]);
    expect(defaultHopperMarket2024.customers.find((c) => c.name === 'xAI')?.orders[2]?.units).toBe(50_000);
  });

  it('refuses an unknown customer or a non-positive factor', () => {
    expect(() => compareOrderChange(market, { customer: 'Nobody', factor: 2 })).toThrow(InputError);
    expect(() => compareOrderChange(market, { customer: 'Meta', factor: 0 })).toThrow(InputError);
  });

  it('runs the doubled-rival what-if on the default market', () => {
    const r = compareOrderChange(defaultHopperMarket2024, { customer: 'Microsoft', factor: 2 });
    const xai = r.rows.find((row) => row.customer === 'xAI');
    expect(xai).toMatchObject({ baselineCompletionDate: '2024-11', scenarioCompletionDate: '2025-02', delayMonths: 3 });
  });
});
