import type { CheckpointCosts } from './job.js';

/**
 * Checkpoint storage as physics: what a checkpoint weighs, where it goes, how fast it gets there
 * and back. A checkpoint is the model and optimizer state, sharded over the job's ranks (every rank
 * writes its own shard, as PyTorch DCP / Megatron distributed checkpoints do); its write time is
 * bytes ÷ the bandwidth the job can reach, which is the storage system's aggregate bandwidth or the
 * job's nodes' share of their storage NICs, whichever is smaller.
 */

export const STORAGE_TIERS = ['storage', 'peer-memory'] as const;
export type StorageTier = (typeof STORAGE_TIERS)[number];

export interface StorageSystem {
  name: string;
  /**
   * `storage`: a shared file/object store with a fixed aggregate bandwidth and capacity.
   * `peer-memory`: in-memory checkpoints in other nodes' host DRAM (Gemini-style); bandwidth and
   * capacity grow with the job's nodes, and the copies travel on the compute fabric.
   */
  tier: StorageTier;
  /** Sustained aggregate write bandwidth, GB/s (1e9 B/s); for `peer-memory`, per node. */
  writeGBps: number;
  /** Aggregate read bandwidth for restores, GB/s; for `peer-memory`, per node. */
  readGBps: number;
  /** What one node can move to or from storage (its storage/front-end NIC share), GB/s. */
  nodeGBps: number;
  /** Usable capacity, TB (1e12 B); for `peer-memory`, per node. */
  capacityTB: number;
  source: string;
}

const NODE_NIC =
  'one 400 Gb/s (50 GB/s) storage/front-end NIC per 8-GPU node: assumption (HGX/DGX H100 nodes carry 1–2 such NICs besides the 8 compute NICs, hardware-colossus.md §3.1)';

/** Storage presets; every figure carries its source. */
export const STORAGE_PRESETS = {
  'tectonic-llama3': {
    name: 'tectonic-llama3',
    tier: 'storage',
    writeGBps: 2000,
    readGBps: 7000,
    nodeGBps: 50,
    capacityTB: 240_000,
    source:
      "Meta's Tectonic for Llama 3 405B (arXiv 2407.21783 §3.3.1): 240 PB on 7,500 SSD servers, 2 TB/s sustained, 7 TB/s peak [S: hardware-colossus.md §5]; " +
      `writes at the sustained figure, restores at the peak; ${NODE_NIC}`,
  },
  'lustre-perlmutter': {
    name: 'lustre-perlmutter',
    tier: 'storage',
    writeGBps: 4000,
    readGBps: 4000,
    nodeGBps: 50,
    capacityTB: 35_000,
    source:
      'NERSC Perlmutter all-flash Lustre (HPE ClusterStor E1000): 35 PB, "over 4 TB/sec write bandwidth" [P: nersc.gov, Designing an All-Flash File System; ' +
      `Lockwood et al., CUG 2021]; read taken equal to write (assumption); ${NODE_NIC}`,
  },
  'peer-memory': {
    name: 'peer-memory',
    tier: 'peer-memory',
    writeGBps: 50,
    readGBps: 50,
    nodeGBps: 50,
    capacityTB: 1,
    source:
      "In-memory checkpoints in a peer node's host DRAM (Gemini, SOSP'23: 13× faster recovery; goodput 85% → 97% [S], reliability.md §3–4). " +
      'Per node: 50 GB/s, one of its eight 400 Gb/s compute NICs (assumption: the copy shares the compute fabric with training traffic); ' +
      '1 TB, half of the 2 TB host DDR5 of an HGX H100 node (assumption; hardware-colossus.md §3.1)',
  },
} as const satisfies Record<string, StorageSystem>;

export type StoragePresetName = keyof typeof STORAGE_PRESETS;
export const STORAGE_PRESET_NAMES = Object.keys(STORAGE_PRESETS) as StoragePresetName[];

/**
 * Bytes per parameter of a training checkpoint: BF16 weights (2) + FP32 master weights (4) +
 * Adam's two FP32 moments (8). Gradients and activations are not saved.
 */
export const CHECKPOINT_BYTES_PER_PARAM = 14;

/**
 * The asynchronous snapshot (GPU → pinned host memory) blocks the GPU for a fixed stall plus the
 * shard at the device-to-host bandwidth. The stall is PyTorch DCP with cached save plans:
 * Llama3-70B on 1,856 H200, GPU blocked 0.78 s [P, reliability.md §4]. D2H: PCIe 5.0 x16 is 64 GB/s
 * per direction; 50 GB/s is an assumption for pinned copies.
 */
export const ASYNC_SNAPSHOT = { stallS: 0.78, d2hGBpsPerGpu: 50 } as const;

/** What the scenario says about checkpoints when a storage system decides their cost. */
export interface StorageCheckpointSpec {
  storage: StorageSystem;
  /** Bytes of one checkpoint, when given; otherwise parameters × `bytesPerParam`. */
  bytes?: number;
  bytesPerParam: number;
  async: boolean;
  /** Checkpoints kept at once (for the capacity check). */
  keep: number;
}

/** One checkpoint of one job size, and what it costs. */
export interface CheckpointPlan {
  bytes: number;
  bytesPerGpu: number;
  /** The bandwidth writes can reach: min(storage, nodes × NIC share), GB/s. */
  storageGBps: number;
  /** Aggregate restore bandwidth, GB/s. */
  readGBps: number;
  /** Time to move one checkpoint to storage at `storageGBps`. */
  drainS: number;
  /** Time training is blocked per checkpoint: the whole write (sync) or the snapshot (async). */
  blockingS: number;
  /** Time from the checkpoint's start until it is durable. */
  writeS: number;
  /** Time to read it back at a restart. */
  restoreS: number;
  /** Storage the kept checkpoints need, TB, and what the storage holds. */
  neededTB: number;
  capacityTB: number;
}

/** The cost of one checkpoint of `params` parameters (or `spec.bytes`) on `nodes` nodes. */
export function planCheckpoint(spec: StorageCheckpointSpec, nodes: number, gpusPerNode: number, params?: number): CheckpointPlan {
  const s = spec.storage;
  const bytes = spec.bytes ?? (params ?? 0) * spec.bytesPerParam;
  const gpus = Math.max(1, nodes * gpusPerNode);
  const perNode = s.tier === 'peer-memory';
  const nicGBps = nodes * s.nodeGBps;
  const storageGBps = perNode ? nodes * Math.min(s.writeGBps, s.nodeGBps) : Math.min(s.writeGBps, nicGBps);
  const readGBps = perNode ? nodes * Math.min(s.readGBps, s.nodeGBps) : Math.min(s.readGBps, nicGBps);
  const drainS = bytes / (storageGBps * 1e9);
  const bytesPerGpu = bytes / gpus;
  const snapshotS = ASYNC_SNAPSHOT.stallS + bytesPerGpu / (ASYNC_SNAPSHOT.d2hGBpsPerGpu * 1e9);
  const blockingS = spec.async ? snapshotS : drainS;
  const writeS = spec.async ? snapshotS + drainS : drainS;
  const restoreS = bytes / (readGBps * 1e9);
  const neededTB = (spec.keep * bytes) / 1e12;
  const capacityTB = perNode ? nodes * s.capacityTB : s.capacityTB;
  return { bytes, bytesPerGpu, storageGBps, readGBps, drainS, blockingS, writeS, restoreS, neededTB, capacityTB };
}

/** The engine's checkpoint costs for a plan and a compute interval. */
export function checkpointCostsOf(plan: CheckpointPlan, intervalS: number): CheckpointCosts {
  return { intervalS, writeS: plan.writeS, blockS: plan.blockingS, restoreS: plan.restoreS };
}

/**
 * The shortest compute interval the storage sustains: one checkpoint must be on storage before the
 * next starts, so the average write rate bytes ÷ interval never exceeds the storage bandwidth.
 */
export function minIntervalS(plan: CheckpointPlan): number {
  return plan.drainS;
}
