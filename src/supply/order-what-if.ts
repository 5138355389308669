import { describeValue, InputError } from '../core/issue.js';
import type { AllocationInput } from './allocation-input.js';
import type { AllocationResult } from './allocation-result.js';
import { allocateSupply } from './allocate-supply.js';

/** One customer multiplies its orders (optionally only those for one product). */
export interface OrderChange {
  customer: string;
  /** Multiplier on the units ordered, e.g. 2 = doubles. Result rounded to whole units, at least 1. */
  factor: number;
  /** Only orders of this product; default all of the customer's orders. */
  product?: string;
}

/** One customer, before and after the change, side by side. */
export interface WhatIfRow {
  customer: string;
  baselineUnitsOrdered: number;
  scenarioUnitsOrdered: number;
  baselineUnitsDelivered: number;
  scenarioUnitsDelivered: number;
  /** Month the customer's last order completes; null = not complete within the horizon. */
  baselineCompletionMonth: number | null;
  scenarioCompletionMonth: number | null;
  baselineCompletionDate?: string;
  scenarioCompletionDate?: string;
  /**
   * `scenario - baseline` completion month. Null when either is not complete in the horizon
   * (see `scenarioCompletes`).
   */
  delayMonths: number | null;
  baselineCompletes: boolean;
  scenarioCompletes: boolean;
}

export interface WhatIfResult {
  change: OrderChange;
  baseline: AllocationResult;
  scenario: AllocationResult;
  /** In the input's customer order. */
  rows: WhatIfRow[];
}

/** The input with `change` applied (pure: the input is not modified). */
export function applyOrderChange(input: AllocationInput, change: OrderChange): AllocationInput {
  const index = input.customers.findIndex((c) => c.name === change.customer);
  if (index < 0) {
    throw new InputError([
      {
        path: 'change.customer',
        message: 'no such customer',
        expected: input.customers.map((c) => c.name).join(' | '),
        received: describeValue(change.customer),
      },
    ]);
  }
  if (!Number.isFinite(change.factor) || change.factor <= 0) {
    throw new InputError([
      { path: 'change.factor', message: 'factor must be positive', expected: 'a number > 0', received: describeValue(change.factor) },
    ]);
  }
  return {
    ...input,
    customers: input.customers.map((c, i) =>
      i !== index
        ? c
        : {
            ...c,
            orders: c.orders.map((o) =>
              change.product !== undefined && o.product !== change.product
                ? o
                : { ...o, units: Math.max(1, Math.round(o.units * change.factor)) },
            ),
          },
    ),
  };
}

/**
 * What-if: allocate the baseline and the changed input, and report every customer's completion
 * month before and after, side by side (a rival doubling its order delays everyone else).
 */
export function compareOrderChange(input: AllocationInput, change: OrderChange): WhatIfResult {
  const baseline = allocateSupply(input);
  const scenario = allocateSupply(applyOrderChange(input, change));
  const rows = baseline.customers.map((b, i): WhatIfRow => {
    const s = scenario.customers[i];
    if (!s) throw new Error(`bug: customer ${b.customer} missing from the scenario`);
    const row: WhatIfRow = {
      customer: b.customer,
      baselineUnitsOrdered: b.unitsOrdered,
      scenarioUnitsOrdered: s.unitsOrdered,
      baselineUnitsDelivered: b.unitsDelivered,
      scenarioUnitsDelivered: s.unitsDelivered,
      baselineCompletionMonth: b.completionMonth,
      scenarioCompletionMonth: s.completionMonth,
      delayMonths:
        b.completionMonth !== null && s.completionMonth !== null ? s.completionMonth - b.completionMonth : null,
      baselineCompletes: b.completionMonth !== null,
      scenarioCompletes: s.completionMonth !== null,
    };
    if (b.completionDate !== undefined) row.baselineCompletionDate = b.completionDate;
    if (s.completionDate !== undefined) row.scenarioCompletionDate = s.completionDate;
    return row;
  });
  return { change, baseline, scenario, rows };
}
