/**
 * Closed-form ETTR approximations (reliability.md §2, §4), used to check the simulator and shown
 * beside its results.
 */

export interface ClosedFormInput {
  /** Mean time between interruptions of the whole job. */
  mtbfS: number;
  /** u₀: everything a failure costs besides lost work — detection + restart + restore. */
  restartOverheadS: number;
  /** Δt_cp: compute time between checkpoints. */
  intervalS: number;
  /** w_cp: time a checkpoint blocks training. */
  blockS: number;
}

/**
 * Kokolis et al. first-order form: E[ETTR] ≈ (1 − (u₀ + Δt_cp/2)/M) / (1 + w_cp/Δt_cp),
 * where N_nodes·r_f = 1/M. Clamped at 0.
 */
export function firstOrderEttr(x: ClosedFormInput): number {
  const e = (1 - (x.restartOverheadS + x.intervalS / 2) / x.mtbfS) / (1 + x.blockS / x.intervalS);
  return Math.max(0, e);
}

/** At the optimum interval: overhead ≈ √(2δ/M) + R/M and ETTR ≈ 1/(1 + overhead). */
export function optimumEttr(checkpointCostS: number, recoveryS: number, mtbfS: number): number {
  const overhead = Math.sqrt((2 * checkpointCostS) / mtbfS) + recoveryS / mtbfS;
  return 1 / (1 + overhead);
}
