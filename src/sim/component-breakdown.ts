import { causeRatePerHour, type FailureCause } from './causes.js';
import type { Component, Inventory } from './inventory.js';

/** Failures of one kind of component on the job: how many it holds, their rate, what was simulated. */
export interface ComponentFailures {
  component: Component | 'other';
  /** Components the job holds (the inventory's, or at the preset's reference build per GPU). */
  count: number;
  /** Failures per component-hour (summed over the causes of this component). */
  perComponentHour: number;
  /** Expected interruptions per day of the job at full size. */
  perDay: number;
  /** Share of all expected interruptions. */
  share: number;
  /** Mean simulated interruptions over the replications. */
  interruptions: number;
  causes: string[];
}

export interface FailureBreakdown {
  byComponent: ComponentFailures[];
  /** With `reliability.inventory`: the fabric tiers the job spans. */
  tiers?: { tier: string; switches: number; linksIn: number }[];
  optics?: number;
  nodesPerLeaf?: number;
}

/**
 * Interruptions by component: expected (rate × components) and simulated (`byCauseMean`, in
 * `causes` order). Causes without a component are `other`. The shares sum to 1.
 */
export function failureBreakdown(
  causes: readonly FailureCause[],
  jobNodes: number,
  gpusPerNode: number,
  nodesPerSwitch: number,
  byCauseMean: readonly number[],
  inventory?: Inventory,
): FailureBreakdown {
  const rows = new Map<string, ComponentFailures>();
  let total = 0;
  causes.forEach((c, i) => {
    const key = c.component ?? 'other';
    const perHour = causeRatePerHour(c, jobNodes, gpusPerNode, nodesPerSwitch);
    total += perHour;
    let row = rows.get(key);
    if (!row) {
      row = { component: key, count: 0, perComponentHour: 0, perDay: 0, share: 0, interruptions: 0, causes: [] };
      rows.set(key, row);
    }
    row.perDay += perHour * 24;
    row.perComponentHour += c.perComponentHour ?? 0;
    row.interruptions += byCauseMean[i] ?? 0;
    row.causes.push(c.name);
  });
  for (const row of rows.values()) {
    row.share = total > 0 ? row.perDay / 24 / total : 0;
    row.count = row.component !== 'other' && row.perComponentHour > 0 ? row.perDay / 24 / row.perComponentHour : jobNodes * gpusPerNode;
  }
  const out: FailureBreakdown = { byComponent: [...rows.values()].sort((a, b) => b.perDay - a.perDay) };
  if (inventory) {
    out.tiers = inventory.tiers.map((t) => ({ ...t }));
    out.optics = inventory.optics;
    out.nodesPerLeaf = inventory.nodesPerLeaf;
  }
  return out;
}
