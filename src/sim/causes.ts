/**
 * Failure causes. Each cause is an independent Poisson process whose rate scales with the number
 * of units (GPUs, nodes or switches) the job currently holds — the superposition of one process
 * per component, without simulating components one by one.
 */

import { componentCount, type Component, type Inventory } from './inventory.js';

/** What a cause's rate is counted per. */
export type CauseUnit = 'gpu' | 'node' | 'switch';

/**
 * What a failure takes out of service: `job` (nothing — a software bug or an unexplained hang:
 * restart on the same nodes), `node` (the failing GPU's node is evicted and repaired), `switch`
 * (all the nodes under one leaf switch).
 */
export type CauseScope = 'job' | 'node' | 'switch';

export const CAUSE_UNITS: readonly CauseUnit[] = ['gpu', 'node', 'switch'];
export const CAUSE_SCOPES: readonly CauseScope[] = ['job', 'node', 'switch'];

export interface FailureCause {
  name: string;
  /** Events per unit-hour (unit = `unit`). */
  ratePerUnitHour: number;
  unit: CauseUnit;
  scope: CauseScope;
  /** Time from the fault to the job noticing it (XID: seconds; a hang: the collective's watchdog). */
  detectS: number;
  /** Mean time a failed node (or switch's nodes) is out of service; exponentially distributed. */
  repairHours: number;
  /**
   * Silent data corruption: the job keeps running until the fault is found `detectS` later, then
   * rolls back to the last checkpoint taken before the fault.
   */
  silent: boolean;
  /** Where the rate (and the costs) come from. */
  source: string;
  /**
   * The component the cause is a failure of, and its rate per component-hour: with an inventory
   * (`rescaleToInventory`) the cause's rate is this × the components per GPU of the job.
   */
  component?: Component;
  perComponentHour?: number;
  /** Nodes a `switch`-scope fault evicts (default: the job's `nodesPerSwitch`). */
  evictNodes?: number;
}

/** Nodes one fault of the cause takes out of service. */
export function nodesEvicted(cause: FailureCause, nodesPerSwitch: number): number {
  return cause.scope === 'node' ? 1 : cause.scope === 'switch' ? (cause.evictNodes ?? nodesPerSwitch) : 0;
}

/**
 * The causes' rates for a job holding `inv`: a cause with a component fails at its rate per
 * component × the components per GPU of this job (per GPU, so the engine scales it with the GPUs
 * held); a leaf-switch fault evicts the nodes under one leaf. Causes without a component keep
 * their rate.
 */
export function rescaleToInventory(causes: readonly FailureCause[], inv: Inventory): FailureCause[] {
  return causes.map((c) => {
    if (c.component === undefined || c.perComponentHour === undefined || !(inv.gpus > 0)) return c;
    const out: FailureCause = { ...c, unit: 'gpu', ratePerUnitHour: (c.perComponentHour * componentCount(inv, c.component)) / inv.gpus };
    if (c.component === 'leaf-switch' && c.scope === 'switch') out.evictNodes = inv.nodesPerLeaf;
    return out;
  });
}

/** The cause's rate expressed per GPU-hour, for reports (`gpusPerNode`, `nodesPerSwitch` convert). */
export function ratePerGpuHour(cause: FailureCause, gpusPerNode: number, nodesPerSwitch: number): number {
  switch (cause.unit) {
    case 'gpu':
      return cause.ratePerUnitHour;
    case 'node':
      return cause.ratePerUnitHour / gpusPerNode;
    case 'switch':
      return cause.ratePerUnitHour / (gpusPerNode * nodesPerSwitch);
  }
}

/** Events per hour of one cause on a job holding `nodes` nodes. */
export function causeRatePerHour(cause: FailureCause, nodes: number, gpusPerNode: number, nodesPerSwitch: number): number {
  return ratePerGpuHour(cause, gpusPerNode, nodesPerSwitch) * nodes * gpusPerNode;
}

/** Total interruption rate per hour of all causes on `nodes` nodes. */
export function totalRatePerHour(
  causes: readonly FailureCause[],
  nodes: number,
  gpusPerNode: number,
  nodesPerSwitch: number,
): number {
  let sum = 0;
  for (const c of causes) sum += causeRatePerHour(c, nodes, gpusPerNode, nodesPerSwitch);
  return sum;
}
