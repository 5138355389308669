import type { Estimate } from '../model/index.js';
import type { ParallelPlan, Precision } from '../spec/types.js';

/** What "best" means. time-to-train ranks like tokens-per-sec; the per-dollar and per-joule objectives favour per-GPU throughput. */
export type Objective = 'tokens-per-sec' | 'time-to-train' | 'tokens-per-dollar' | 'tokens-per-joule';
export const OBJECTIVES: readonly Objective[] = ['tokens-per-sec', 'time-to-train', 'tokens-per-dollar', 'tokens-per-joule'];

export interface SearchOptions {
  /** Plans to return (default 5). */
  top?: number;
  objective?: Objective;
  /** Fraction of usable HBM kept free (default 0.05). */
  memoryMargin?: number;
  /** Precisions to search; default: the spec's. */
  precisions?: readonly Precision[];
  /** Cost of one GPU-hour for tokens-per-dollar (default: purchase price over 4 years + power at $0.078/kWh). */
  usdPerGpuHour?: number;
  /** All-in watts per GPU for tokens-per-joule (default: TDP × 1.45 for node, network and cooling). */
  wattsPerGpu?: number;
  /** Do not use lower bounds to skip plans (for testing the pruning). */
  noPruning?: boolean;
  /** Also count the plans whose score beats this one (to rank a given plan in the space). */
  rankScore?: number;
}

export interface RankedPlan {
  parallel: ParallelPlan;
  precision: Precision;
  gpusUsed: number;
  /** GPUs of the system the plan leaves idle (spares). */
  spareGpus: number;
  /** Objective value (higher is better): tokens/s, 1/days, tokens/$, tokens/J. */
  score: number;
  estimate: Estimate;
  /** $ per million tokens and tokens per joule at the options' rates. */
  usdPerMillionTokens: number;
  tokensPerJoule: number;
}

export interface SearchResult {
  objective: Objective;
  plans: RankedPlan[];
  /** Plans whose step time was computed (those over the memory limit too: computed, then dropped). */
  evaluated: number;
  /**
   * Plans a lower bound skipped without computing their step. The outermost bound (one layer
   * configuration: precision, tp, cp, ep, micro-batch, SP, recompute) counts one per skipped
   * configuration, not the plans under it, which it never enumerates.
   */
  pruned: number;
  /** Plans enumerated: evaluated, plus those the per-pipeline and per-plan bounds skipped (not the outermost bound's). */
  considered: number;
  elapsedS: number;
  /** Why the winner beats the runner-up. */
  explanation: string[];
  /** With `rankScore`: how many fitting plans score higher. */
  plansAbove?: number;
}
