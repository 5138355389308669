import type { ParallelPlan, Recompute } from '../spec/types.js';

/**
 * How one synchronous job (or several) uses a mixed fleet:
 * - `replicas`: data-parallel replicas on each pool, each pool's replicas running as many
 *   micro-batches per step as keeps them in step with the others;
 * - `pipeline`: every pipeline spans the pools, the larger-memory GPUs taking the first stages
 *   (which hold the most in-flight activations) with more layers or less recomputation;
 * - `separate`: one job per pool (each with the full global batch);
 * - `as-slowest`: one homogeneous job that treats every GPU as the slowest pool's.
 */
export type FleetMode = 'replicas' | 'pipeline' | 'separate' | 'as-slowest';
export const FLEET_MODES: readonly FleetMode[] = ['replicas', 'pipeline', 'separate', 'as-slowest'];

export interface PoolShare {
  gpu: string;
  gpus: number;
  gpusUsed: number;
  /** Data-parallel replicas (replicas, separate) or pipelines (pipeline) on this pool. */
  replicas: number;
  /** replicas: micro-batches per replica per step. */
  microBatchesPerReplica?: number;
  /** pipeline: stages of each pipeline on this pool and layers per stage. */
  stages?: number;
  layersPerStage?: number;
  recompute: Recompute;
  /** Time this pool's work takes per step (the step is the slowest pool's). */
  busyS: number;
  memoryGiB: number;
  usableGiB: number;
  fits: boolean;
}

export interface MixedEstimate {
  mode: FleetMode;
  /** The plan's shared degrees and knobs (dp is the total across pools). */
  parallel: ParallelPlan;
  stepTimeS: number;
  /** Tokens per second of all jobs together. */
  tokensPerSec: number;
  tokensPerSecPerGpu: number;
  gpusUsed: number;
  fits: boolean;
  pools: PoolShare[];
  /** Time the faster pools wait for the slowest each step, as a fraction of the step. */
  idleFraction: number;
}

export interface MixedSearchResult {
  /** Best estimate per mode (absent where no plan fits). */
  best: Partial<Record<FleetMode, MixedEstimate>>;
  /** Modes ranked by tokens/s. */
  ranking: FleetMode[];
  /** Gains of the winner over `separate` and over `as-slowest` (fractions). */
  gainOverSeparate: number | null;
  gainOverAsSlowest: number | null;
  explanation: string[];
  elapsedS: number;
  evaluated: number;
}
