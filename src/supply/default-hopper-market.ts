import type { AllocationInput, ProductSupply } from './allocation-input.js';

/**
 * An illustrative 2024 Hopper market: NVIDIA's monthly output of H100/H200 and its largest
 * buyers' orders. Sourced numbers cite `shared/data/hardware-colossus.md` (§4.1, §4.2) and
 * `catalog.json` (`supply`); everything else is marked `assumption`. It is a what-if playground,
 * not a reconstruction: who ordered what, when, is not public.
 */

/** Hopper-family output, units per quarter of 2024. */
const hopperUnitsPerQuarter = [
  773_000, // Q1 2024 — SemiAnalysis model via Tom's Hardware (hardware-colossus.md §4.1) [S]
  811_000, // Q2 2024 — same source [S]
  811_000, // Q3 2024 — assumption: flat at the Q2 rate
  811_000, // Q4 2024 — assumption: flat at the Q2 rate
  811_000, // Q1 2025 — assumption: flat at the Q2 2024 rate
  811_000, // Q2 2025 — assumption: flat at the Q2 2024 rate
];

/**
 * Share of Hopper output that is H200, per quarter. H200 availability Q2 2024, first DGX H200
 * delivered April 2024 (hardware-colossus.md §4.2) [S]; the shares themselves are assumptions.
 */
const h200SharePerQuarter = [0, 0.1, 0.3, 0.3, 0.5, 0.5];

function monthlySupply(): ProductSupply[] {
  const h100: number[] = [];
  const h200: number[] = [];
  hopperUnitsPerQuarter.forEach((units, q) => {
    const share = h200SharePerQuarter[q] ?? 0;
    for (let k = 0; k < 3; k++) {
      // Split the quarter into three whole-unit months (the last takes the rounding rest).
      const monthUnits = k < 2 ? Math.floor(units / 3) : units - 2 * Math.floor(units / 3);
      const h200Units = Math.round(monthUnits * share);
      h200.push(h200Units);
      h100.push(monthUnits - h200Units);
    }
  });
  return [
    { product: 'h100-sxm', unitsPerMonth: h100 },
    { product: 'h200-sxm', unitsPerMonth: h200 },
  ];
}

/**
 * The 2024 Hopper market over 18 months, month 0 = January 2024, pro-rata ("we allocate
 * fairly", Huang [P]). Priorities (used only by the `priority` policy) are assumptions: the
 * largest US clouds first, then xAI and the rest, then Chinese buyers (export-licence risk).
 */
export const defaultHopperMarket2024: AllocationInput = {
  policy: 'pro-rata',
  startMonth: '2024-01',
  carryOverUnused: true,
  supply: monthlySupply(),
  customers: [
    // 2024 Hopper purchases, Omdia via Financial Times (hardware-colossus.md §4.1) [S].
    // Order months are assumptions (orders placed in H2 2023 for 36–52-week lead times [S]).
    { name: 'Microsoft', priority: 1, orders: [{ product: 'h100-sxm', units: 485_000, orderedMonth: -6 }] },
    { name: 'ByteDance', priority: 3, orders: [{ product: 'h100-sxm', units: 230_000, orderedMonth: -5 }] },
    { name: 'Tencent', priority: 3, orders: [{ product: 'h100-sxm', units: 230_000, orderedMonth: -5 }] },
    { name: 'Meta', priority: 1, orders: [{ product: 'h100-sxm', units: 224_000, orderedMonth: -6 }] },
    { name: 'Amazon', priority: 1, orders: [{ product: 'h100-sxm', units: 196_000, orderedMonth: -4 }] },
    { name: 'Google', priority: 1, orders: [{ product: 'h100-sxm', units: 169_000, orderedMonth: -4 }] },
    {
      name: 'xAI',
      priority: 2,
      orders: [
        // Colossus phase 1: 100,000 H100 (hardware-colossus.md §1.1) [P]; ordered ~March 2024: assumption.
        { product: 'h100-sxm', units: 100_000, orderedMonth: 2 },
        // Phase 2 announced 2024-09-02: "double to 200K (50K H200s)" [P] → +50k H100 [D], +50k H200 [P].
        { product: 'h100-sxm', units: 50_000, orderedMonth: 8 },
        { product: 'h200-sxm', units: 50_000, orderedMonth: 8 },
      ],
    },
    {
      // assumption: the rest of the market (clouds, neoclouds, enterprises), sized so that 2024
      // orders take most of 2024's output and a large new order spills into 2025.
      name: 'Others',
      priority: 2,
      orders: [
        { product: 'h100-sxm', units: 700_000, orderedMonth: -3 },
        { product: 'h200-sxm', units: 400_000, orderedMonth: 3 },
      ],
    },
  ],
};
