/**
 * Checkpoint-interval formulas (reliability.md §4). All intervals are COMPUTE time between
 * checkpoints (the time the job trains between two checkpoint starts, not counting the write).
 */

/** Young: τ* = √(2δM), δ the checkpoint cost, M the mean time between failures. */
export function youngIntervalS(checkpointCostS: number, mtbfS: number): number {
  return Math.sqrt(2 * checkpointCostS * mtbfS);
}

/** Daly (FGCS 2006): τ* = √(2δM)[1 + ⅓√(δ/2M) + (δ/2M)/9] − δ for δ < 2M, otherwise M. */
export function dalyIntervalS(checkpointCostS: number, mtbfS: number): number {
  const d = checkpointCostS;
  const m = mtbfS;
  if (d >= 2 * m) return m;
  const x = d / (2 * m);
  return Math.sqrt(2 * d * m) * (1 + Math.sqrt(x) / 3 + x / 9) - d;
}

/**
 * NVIDIA (arXiv 2410.18124): availability-optimal period T_c = T_s + √(2(T_f+T_r)T_s + T_s²), with
 * T_s the save time, T_f the mean time to failure, T_r the restore time. T_c includes the save, so
 * the compute interval returned here is T_c − T_s.
 */
export function availabilityOptimalIntervalS(saveS: number, mttfS: number, restoreS: number): number {
  return Math.sqrt(2 * (mttfS + restoreS) * saveS + saveS * saveS);
}

export const INTERVAL_POLICIES = ['auto', 'young', 'daly', 'availability'] as const;
export type IntervalPolicy = (typeof INTERVAL_POLICIES)[number];

/** The compute interval for a policy (`auto` is Daly). Never below 1 s. */
export function intervalForPolicy(policy: IntervalPolicy, checkpointCostS: number, mtbfS: number, restoreS: number): number {
  const cost = Math.max(checkpointCostS, 1e-3);
  let s: number;
  switch (policy) {
    case 'young':
      s = youngIntervalS(cost, mtbfS);
      break;
    case 'auto':
    case 'daly':
      s = dalyIntervalS(cost, mtbfS);
      break;
    case 'availability':
      s = availabilityOptimalIntervalS(cost, mtbfS, restoreS);
      break;
  }
  return Math.max(1, s);
}
