/**
 * A scale-out fabric as a list of switch tiers above the NVLink domain (ASTRA-sim style: one
 * entry per tier). Tier k's `gpus` is the size of one of its domains: two GPUs of the same
 * tier-k domain talk without leaving it. `oversubscription` is the down:up ratio of the
 * switches below it, so it only slows traffic that leaves a domain of the tier below.
 */
export interface FabricTier {
  /** leaf, spine, core, ... */
  name: string;
  /** GPUs in one domain of this tier; the top tier's domain is the whole cluster (Infinity). */
  gpus: number;
  /** Bandwidth into one domain of the tier below ÷ bandwidth out of it towards this tier (≥ 1). */
  oversubscription: number;
  /** Switch + cable latency of one hop into this tier and back down, seconds. */
  hopLatencyS: number;
  /** In-network reduction (InfiniBand SHARP) in this tier's switches. */
  sharp?: boolean;
}

export interface Fabric {
  id: string;
  name: string;
  /** Scale-out line rate per GPU (its NIC), Gb/s per direction. */
  gbpsPerGpu: number;
  /**
   * Rail-optimised: NIC i of every node of a leaf group goes to leaf (rail) i, and NCCL's PXN
   * moves cross-rail traffic onto NVLink first, so the leaf tier's domain is the whole group.
   */
  rails: boolean;
  /** NVLink domain the fabric is built around, when it fixes one (GB200 NVL72: 72). */
  nvlinkDomain?: number;
  /** NVLink SHARP (NVLS) in the NVSwitches (Hopper and later). */
  nvls?: boolean;
  /** Switch tiers from the leaf up. */
  tiers: readonly FabricTier[];
  /** Where the numbers come from; `[D]` marks derived ones, `[A]` assumptions. */
  source: string;
}
