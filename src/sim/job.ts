import type { FailureCause } from './causes.js';

/**
 * The job model the engine simulates, fully resolved to numbers: a synchronous data-parallel job
 * on whole nodes, checkpointing on a fixed compute interval, restarting after each detected fault.
 */

export interface CheckpointCosts {
  /** Compute time between checkpoint starts. */
  intervalS: number;
  /** Time for a checkpoint to become durable (committed). */
  writeS: number;
  /** Time a checkpoint blocks training: `writeS` when synchronous, a short stall when asynchronous. */
  blockS: number;
  /** Time to load the checkpoint when restarting. */
  restoreS: number;
}

/** A planned change of the job's size or speed (a campaign's capacity growing or shrinking). */
export interface CapacityChange {
  /** Wall-clock time of the change, from the start. */
  atS: number;
  /** Nodes the job uses from now on at full size. */
  jobNodes: number;
  /** Step time at that size. */
  stepTimeS: number;
  /** Checkpoint costs at that size (default: unchanged). */
  checkpoint?: CheckpointCosts;
  /** Restart time at that size (default: unchanged). */
  restartS?: number;
  /** Healthy idle nodes beside the job from now on, repairs included (default: unchanged). */
  spareNodes?: number;
  /**
   * The causes at that size, in `JobModel.causes` order (rates rescaled to the components the new
   * job holds, e.g. a fabric tier it now spans; default: unchanged).
   */
  causes?: readonly FailureCause[];
  /** Nodes per data-parallel replica of the new plan (default: unchanged). */
  replicaNodes?: number;
  /** Partial recovery's costs at the new size (only when the job has partial recovery). */
  partialRecovery?: { rejoinS: number; fullRestartS: number };
}

export interface JobModel {
  gpusPerNode: number;
  /** Nodes the job needs at full size. */
  jobNodes: number;
  /** Nodes per data-parallel replica: the granularity at which an elastic job shrinks. */
  replicaNodes: number;
  stepTimeS: number;
  /** Wall-clock length simulated. */
  horizonS: number;
  /** Stop as soon as this many steps are done (optional; the campaign's token budget). */
  targetSteps?: number;
  causes: readonly FailureCause[];
  /** Rescheduling + re-initialisation after a fault is detected (before the restore). */
  restartS: number;
  checkpoint: CheckpointCosts;
  /** Healthy nodes kept aside that replace failed ones at once. */
  spareNodes: number;
  /** Repairs that can run at once (technicians, RMA slots); the rest queue. Default: unlimited. */
  repairCrews?: number;
  /** Without a spare: true continues on fewer replicas; false waits for a repair. */
  elastic: boolean;
  /**
   * Partial recovery (FT-HSDP, `restart.policy: elastic`): a node-evicting fault drops its replica
   * and the other replicas continue from their in-memory state after a stall of `restartS` — no
   * rollback, no restore. The job runs shrunk until a replacement joins: a spare after `rejoinS`
   * (it starts its processes and copies the state from a peer), or the repaired node. Faults that
   * hit every rank (`job` scope, silent corruption) still roll back and pay `fullRestartS` + the
   * restore. Joining costs one step of the whole job (the quorum changes at a step boundary).
   */
  partialRecovery?: { rejoinS: number; fullRestartS: number };
  /** An elastic job never runs on fewer replicas than this. */
  minReplicas: number;
  /** Nodes under one leaf switch (the blast radius of a `switch`-scope cause). */
  nodesPerSwitch: number;
  /** Infant mortality: all rates are multiplied by `rateMultiplier` until `untilS`. */
  burnIn?: { untilS: number; rateMultiplier: number };
  /** Points of the progress series (evenly spaced over the horizon). */
  progressSamples: number;
  /** Planned size changes, in time order. */
  capacity?: readonly CapacityChange[];
}

/** What one replication measured. Times are seconds; GPU-time is GPU-seconds. */
export interface ReplicationResult {
  /** Wall-clock time simulated (the horizon, or when `targetSteps` was reached). */
  wallS: number;
  /** Steps completed and kept. */
  steps: number;
  /** GPU-seconds by what the job's GPUs were doing; they sum to `gpuS.total`. */
  gpuS: GpuTime;
  interruptions: number;
  /** Interruptions per cause, in `JobModel.causes` order. */
  byCause: number[];
  /** Checkpoints committed. */
  checkpoints: number;
  /** Times the job had to wait for a repair or shrink because no spare was left. */
  spareShortfalls: number;
  /** Longest wait of a failed node for a free repair crew, seconds (0 with unlimited crews). */
  maxRepairQueueS: number;
  /** Most nodes out for repair at once (queued or in repair). */
  peakNodesInRepair: number;
  /** Planned reconfigurations (regrowth after elastic shrinking, capacity changes). */
  reconfigurations: number;
  /** Steps at each progress sample (sample i at (i+1)·horizon/samples). */
  progressSteps: number[];
}

export interface GpuTime {
  total: number;
  /** Training whose result was kept. */
  productive: number;
  /** Training thrown away by a rollback to a checkpoint. */
  lostWork: number;
  /** Blocked writing checkpoints. */
  checkpoint: number;
  /** Hung or unaware between a fault and its detection. */
  detection: number;
  /** Re-initialising and restoring after a fault, or reconfiguring. */
  restart: number;
  /** Waiting for a repair (no spare, not elastic). */
  waiting: number;
  /** Missing replicas while an elastic job runs shrunk. */
  degraded: number;
}
