import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/issue.js';
import type { AllocationInput, AllocationPolicy } from './allocation-input.js';
import { allocateSupply } from './allocate-supply.js';
import { defaultHopperMarket2024 } from './default-hopper-market.js';

const twoCustomers = (policy: AllocationPolicy): AllocationInput => ({
  policy,
  supply: [{ product: 'h100-sxm', unitsPerMonth: [100, 100, 100, 100] }],
  customers: [
    { name: 'late-big', priority: 2, orders: [{ product: 'h100-sxm', units: 300, orderedMonth: 1 }] },
    { name: 'early-small', priority: 1, orders: [{ product: 'h100-sxm', units: 100, orderedMonth: -1 }] },
  ],
});

describe('allocateSupply', () => {
  it('pro-rata shares each month by outstanding demand', () => {
    const r = allocateSupply(twoCustomers('pro-rata'));
    // Month 0: only early-small is eligible (late-big ordered in month 1).
    expect(r.customers[1]?.unitsPerMonthByProduct['h100-sxm']).toEqual([100, 0, 0, 0]);
    expect(r.customers[0]?.unitsPerMonthByProduct['h100-sxm']).toEqual([0, 100, 100, 100]);
    expect(r.customers[0]?.completionMonth).toBe(3);
  });

  it('pro-rata splits a contended month in proportion', () => {
    const r = allocateSupply({
      policy: 'pro-rata',
      supply: [{ product: 'p', unitsPerMonth: [100, 100, 100, 100] }],
      customers: [
        { name: 'a', orders: [{ product: 'p', units: 300, orderedMonth: 0 }] },
        { name: 'b', orders: [{ product: 'p', units: 100, orderedMonth: 0 }] },
      ],
    });
    expect(r.customers[0]?.orders[0]?.unitsPerMonth).toEqual([75, 75, 75, 75]);
    expect(r.customers[1]?.orders[0]?.unitsPerMonth).toEqual([25, 25, 25, 25]);
    expect(r.customers.map((c) => c.completionMonth)).toEqual([3, 3]);
  });

  it('fcfs serves the earliest order first', () => {
    const r = allocateSupply({
      policy: 'fcfs',
      supply: [{ product: 'p', unitsPerMonth: [100, 100, 100, 100] }],
      customers: [
        { name: 'late', orders: [{ product: 'p', units: 150, orderedMonth: -1 }] },
        { name: 'early', orders: [{ product: 'p', units: 150, orderedMonth: -2 }] },
      ],
    });
    expect(r.customers[1]?.orders[0]?.unitsPerMonth).toEqual([100, 50, 0, 0]);
    expect(r.customers[0]?.orders[0]?.unitsPerMonth).toEqual([0, 50, 100, 0]);
    expect(r.customers[1]?.completionMonth).toBe(1);
    expect(r.customers[0]?.completionMonth).toBe(2);
  });

  it('priority serves the smaller priority number first, pro-rata within a tier', () => {
    const r = allocateSupply({
      policy: 'priority',
      supply: [{ product: 'p', unitsPerMonth: [100, 100, 100] }],
      customers: [
        { name: 'low', priority: 5, orders: [{ product: 'p', units: 100, orderedMonth: -9 }] },
        { name: 'top-a', priority: 1, orders: [{ product: 'p', units: 60, orderedMonth: 0 }] },
        { name: 'top-b', priority: 1, orders: [{ product: 'p', units: 60, orderedMonth: 0 }] },
      ],
    });
    expect(r.customers.map((c) => c.orders[0]?.unitsPerMonth)).toEqual([
      [0, 80, 20],
      [50, 10, 0],
      [50, 10, 0],
    ]);
  });

  it('carries unused supply over, or drops it when asked', () => {
    const base: AllocationInput = {
      policy: 'fcfs',
      supply: [{ product: 'p', unitsPerMonth: [100, 0, 0] }],
      customers: [{ name: 'a', orders: [{ product: 'p', units: 100, orderedMonth: 1 }] }],
    };
    expect(allocateSupply(base).customers[0]?.orders[0]?.unitsPerMonth).toEqual([0, 100, 0]);
    const lost = allocateSupply({ ...base, carryOverUnused: false });
    expect(lost.customers[0]?.orders[0]?.unitsPerMonth).toEqual([0, 0, 0]);
    expect(lost.customers[0]?.completionMonth).toBeNull();
    expect(lost.customers[0]?.orders[0]?.unitsShort).toBe(100);
  });

  it('dates completions when a start month is given', () => {
    const r = allocateSupply({ ...twoCustomers('fcfs'), startMonth: '2024-11' });
    expect(r.customers[0]?.completionDate).toBe('2025-02');
  });

  it('refuses bad input with field paths', () => {
    const bad = {
      policy: 'lottery',
      supply: [{ product: 'p', unitsPerMonth: [1.5] }],
      customers: [{ name: 'a', orders: [{ product: 'q', units: 0, orderedMonth: 0 }] }],
    } as unknown as AllocationInput;
    try {
      allocateSupply(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).issues.map((i) => i.path)).toEqual([
        'policy',
        'supply[0].unitsPerMonth[0]',
        'customers[0].orders[0].product',
        'customers[0].orders[0].units',
      ]);
    }
  });

  it('allocates the default 2024 Hopper market under every policy', () => {
    for (const policy of ['pro-rata', 'fcfs', 'priority'] as const) {
      const r = allocateSupply({ ...defaultHopperMarket2024, policy });
      const xai = r.customers.find((c) => c.customer === 'xAI');
      expect(xai?.unitsDelivered).toBeGreaterThan(0);
      expect(r.horizonMonths).toBe(18);
    }
  });
});

const arbitraryInput: fc.Arbitrary<AllocationInput> = fc
  .record({
    policy: fc.constantFrom<AllocationPolicy>('pro-rata', 'fcfs', 'priority'),
    carryOverUnused: fc.boolean(),
    supplyA: fc.array(fc.nat(1_000), { minLength: 1, maxLength: 12 }),
    supplyB: fc.array(fc.nat(1_000), { maxLength: 12 }),
    customers: fc.array(
      fc.record({
        priority: fc.integer({ min: 1, max: 3 }),
        orders: fc.array(
          fc.record({
            product: fc.constantFrom('a', 'b'),
            units: fc.integer({ min: 1, max: 3_000 }),
            orderedMonth: fc.integer({ min: -3, max: 10 }),
          }),
          { maxLength: 3 },
        ),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ policy, carryOverUnused, supplyA, supplyB, customers }) => ({
    policy,
    carryOverUnused,
    supply: [
      { product: 'a', unitsPerMonth: supplyA },
      { product: 'b', unitsPerMonth: supplyB },
    ],
    customers: customers.map((c, i) => ({ name: `c${i}`, ...c })),
  }));

describe('allocateSupply invariants (property)', () => {
  it('conserves units: never more than supply, never more than ordered, never before ordered', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const r = allocateSupply(input);
        for (const ledger of r.products) {
          let cumSupplied = 0;
          let cumAllocated = 0;
          let carried = 0;
          for (let m = 0; m < r.horizonMonths; m++) {
            const supplied = ledger.suppliedPerMonth[m] ?? 0;
            const allocated = r.customers.reduce(
              (s, c) => s + (c.unitsPerMonthByProduct[ledger.product]?.[m] ?? 0),
              0,
            );
            expect(allocated).toBe(ledger.allocatedPerMonth[m]);
            expect(allocated).toBeLessThanOrEqual(supplied + carried);
            cumSupplied += supplied;
            cumAllocated += allocated;
            expect(cumAllocated).toBeLessThanOrEqual(cumSupplied);
            carried = input.carryOverUnused === false ? 0 : supplied + carried - allocated;
          }
        }
        input.customers.forEach((c, i) => {
          const got = r.customers[i];
          c.orders.forEach((o, j) => {
            const d = got?.orders[j];
            expect(d).toBeDefined();
            if (!d) return;
            expect(d.unitsDelivered).toBeLessThanOrEqual(o.units);
            expect(d.unitsDelivered + d.unitsShort).toBe(o.units);
            d.unitsPerMonth.forEach((u, m) => {
              expect(u).toBeGreaterThanOrEqual(0);
              if (m < Math.max(0, Math.ceil(o.orderedMonth))) expect(u).toBe(0);
            });
            expect(d.completionMonth !== null).toBe(d.unitsShort === 0);
          });
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is work-conserving: units stay unallocated only when no eligible order is open', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const r = allocateSupply(input);
        for (const ledger of r.products) {
          for (let m = 0; m < r.horizonMonths; m++) {
            if ((ledger.unallocatedPerMonth[m] ?? 0) === 0) continue;
            // Every order of this product eligible by month m has been filled by month m.
            input.customers.forEach((c, i) =>
              c.orders.forEach((o, j) => {
                if (o.product !== ledger.product || Math.max(0, Math.ceil(o.orderedMonth)) > m) return;
                const d = r.customers[i]?.orders[j];
                const upTo = d?.unitsPerMonth.slice(0, m + 1).reduce((s, u) => s + u, 0);
                expect(upTo).toBe(o.units);
              }),
            );
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
