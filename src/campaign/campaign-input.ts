import type { BuildoutInput } from '../buildout/buildout-input.js';
import type { FailureCause } from '../sim/causes.js';
import type { IntervalPolicy } from '../sim/checkpoint.js';
import type { InventorySpec } from '../sim/inventory.js';
import type { RestartParams } from '../sim/restart.js';
import type { StorageCheckpointSpec } from '../sim/storage.js';
import type { EpFacts } from '../spec/ep-facts.js';
import type { AttentionKernel, GradPrecision, ModelConfig, Precision } from '../spec/types.js';
import type { SupplyWhatIf } from './supply-what-if.js';

/**
 * A resolved campaign scenario: everything `runCampaign` needs, as numbers. Produced by
 * `src/scenario` from a YAML/JSON file (or built in code). Day 0 is the scenario's start.
 */
export interface CampaignInput {
  name: string;
  description?: string;
  /** Calendar date of day 0, `YYYY-MM-DD`, to date milestones. Optional. */
  startDate?: string;
  /** Deliveries → racks → arrays → burn-in → power: capacity by GPU type (`horizonDays` is the campaign's horizon). */
  buildout: BuildoutInput;
  training: CampaignTraining;
  reliability: CampaignReliability;
  energy: CampaignEnergy;
  /** Root seed of the failure simulation. */
  seed: number;
  /** Where the deliveries came from, when a supply market decided them. */
  supply?: SupplyWhatIf;
  /** Assumptions the scenario states, shown in the report. */
  assumptions: string[];
}

/** How H100s and H200s (or any mix) train. */
export type FleetMode = 'combined' | 'separate' | 'mixed';

export interface CampaignTraining {
  model: ModelConfig;
  seqLen: number;
  /** Sequences per optimizer step; constant through the campaign (re-plans keep it). */
  globalBatch: number;
  precision: Precision;
  attention: AttentionKernel;
  /** Main-gradient precision (`training.gradPrecision` of a spec); absent: the model's default. */
  gradPrecision?: GradPrecision;
  /** Expert-parallel software facts every plan of the campaign uses (`parallel.epDispatch`, `epCommOverlap`). */
  facts?: EpFacts;
  /** The token budget: the model is done when it has trained on this many tokens. */
  tokens: number;
  /** Training starts once this fraction of all GPUs the scenario delivers is online (0–1]. */
  startFraction: number;
  /** Re-plan when the usable capacity has grown by this fraction since the last plan (paying a restart). */
  replanGrowth: number;
  /**
   * `combined`: one job on every online GPU, planned as if all were the slowest type online.
   * `mixed`: one job on every online GPU, planned by the mixed-fleet planner (`src/fleet`):
   * per-type replicas with balanced micro-batch counts, or the combined plan if that is faster.
   * `separate`: one job per GPU type; the model trains on `primaryGpu`, the other types run
   * their own copy of the job (reported, not counted).
   */
  fleet: FleetMode;
  primaryGpu: string;
  /** Fixed parallel degrees (dp fills the capacity); absent = plan search picks everything. */
  degrees?: { tp: number; pp: number; cp: number; ep: number };
  system: { nvlinkDomain?: number; scaleOutGbpsPerGpu?: number; oversubscription?: number };
}

export interface CampaignReliability {
  causes: readonly FailureCause[];
  /** After detection: rescheduling + re-initialisation (the restore comes on top). */
  restartS: number;
  /** `fixed` with `intervalS`, or a policy evaluated at the largest job of the campaign. */
  intervalPolicy: IntervalPolicy | 'fixed';
  intervalS?: number;
  writeS: number;
  blockS: number;
  restoreS: number;
  asyncCheckpoint: boolean;
  /**
   * When a storage system decides the checkpoint's cost (`checkpoint.storage`): bytes from the
   * model's parameters, write/restore times from the storage, per plan. `writeS`/`blockS`/`restoreS`
   * are then unused.
   */
  checkpointSpec?: StorageCheckpointSpec;
  /** When the restart is modelled (`reliability.restart`): restart time per plan from the job's ranks. */
  restart?: RestartParams;
  /** Concurrent repairs (default: unlimited). */
  repairCrews?: number;
  /**
   * Hot-spare nodes kept aside from the online capacity (the job plans on the rest). The GPUs a
   * plan leaves idle are spares too.
   */
  spareNodes: number;
  nodesPerSwitch: number;
  /** Infant mortality of the job's nodes after training starts (rates × m until `days`). */
  burnIn?: { days: number; rateMultiplier: number };
  /** Where the causes come from (preset name or `custom`). */
  preset?: string;
  /**
   * `reliability.inventory`: the cluster's components. Each plan's causes are then rescaled to
   * the components its job holds (the fabric tiers it spans); `causes` are the unscaled ones.
   */
  inventory?: InventorySpec;
}

export interface CampaignEnergy {
  /** Power utilisation of online GPUs (0–1). */
  utilisation: number;
  usdPerKwh: number;
  amortizationYears: number;
}
