/**
 * Failure causes. Each cause is an independent Poisson process whose rate scales with the number
 * of units (GPUs, nodes or switches) the job currently holds — the superposition of one process
 * per component, without simulating components one by one.
 */

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
