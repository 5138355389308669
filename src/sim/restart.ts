/**
 * Restart time as a function of the job (reliability.md §3, §5, §7). After a fault is detected
 * (each cause's own detection time, counted by the engine), a synchronous job is rescheduled,
 * its processes start, every rank joins the NCCL communicators, the checkpoint is read back
 * (the storage model's restore time, counted separately) and the first steps run slow.
 *
 * NCCL communicator initialisation grows with the ranks: its bootstrap all-gather takes N − 1 ring
 * steps (NVIDIA/nccl PR #1791), so init ≈ a + b·N. a = 5 s: one communicator on 1–16 nodes takes
 * 5–6 s (NVIDIA/nccl #534). b = 4 ms per rank is derived so that a full synchronous restart at
 * ~100k GPUs totals the ~10 min Meta measured at O(100k) GPUs (FT-HSDP, arXiv 2602.00277 [P]):
 * 600 s − detection ~70 s − scheduler 30 s − processes 60 s − warm-up ~20 s − a ≈ 415 s over 100k
 * ranks. Cross-check: the line gives 2.5 min at ~36k ranks; Meta reported "2.5-minute init time at
 * large scale (e.g. above certain K GPUs)" (NVIDIA/nccl #1156).
 */

export const RESTART_POLICIES = ['full', 'hot-spare', 'elastic'] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

export interface RestartParams {
  policy: RestartPolicy;
  /** Scheduler re-allocation of the job's nodes (full restart only). */
  schedulerS: number;
  /** Process start: container, Python imports, CUDA context, model build (full restart only). */
  processStartS: number;
  /** NCCL init of a communicator: `ncclBaseS + ncclPerRankS × ranks`. */
  ncclBaseS: number;
  ncclPerRankS: number;
  /** Steps after a restart that run at no useful speed (allocator, caches, compile). */
  warmupSteps: number;
  /** Partial recovery (FT-HSDP): the measured stall of the whole job while one replica re-forms. */
  elasticStallS: number;
}

export const RESTART_DEFAULTS: RestartParams = {
  policy: 'full',
  schedulerS: 30,
  processStartS: 60,
  ncclBaseS: 5,
  ncclPerRankS: 0.004,
  warmupSteps: 2,
  elasticStallS: 180,
};

/** Where each default comes from (docs/simulate.md carries the same table). */
export const RESTART_SOURCES: Record<keyof RestartParams, string> = {
  policy: 'full: a synchronous restart of every rank; hot-spare: warm standby nodes (ByteRobust, SOSP\'25: ~11× faster than a requeue [S]); elastic: FT-HSDP partial recovery',
  schedulerS: 'assumption: re-allocating nodes to a gang-scheduled job (not published)',
  processStartS: 'assumption: container start, imports, CUDA context and model build (not published)',
  ncclBaseS: 'NVIDIA/nccl #534: 5–6 s per communicator on 1–16 nodes',
  ncclPerRankS: 'derived: bootstrap all-gather is N − 1 ring steps (NVIDIA/nccl PR #1791); slope sized so a full restart at ~100k GPUs is the ~10 min of FT-HSDP (arXiv 2602.00277 [P]); 2.5 min at ~36k ranks (Meta, NVIDIA/nccl #1156)',
  warmupSteps: 'assumption: the first steps after a restart rebuild allocator pools and caches',
  elasticStallS: 'FT-HSDP (arXiv 2602.00277 [P]): the synchronous stall falls to ~3 min at O(100k) GPUs',
};

export interface RestartBreakdown {
  policy: RestartPolicy;
  schedulerS: number;
  processStartS: number;
  ncclInitS: number;
  warmupS: number;
  /** The measured partial-recovery stall (elastic only). */
  stallS: number;
  /** Everything after detection except the restore: what the engine's `restartS` is. */
  totalS: number;
}

/** Scale-out bandwidth per GPU a re-forming replica copies its state over, GB/s: one 400G NIC. */
export const REJOIN_NIC_GBPS = 50;

/**
 * Partial recovery: time for a spare to re-form a dropped replica while the job runs shrunk —
 * process start, NCCL init over the replica's ranks, and the state copied from a peer replica
 * over the replica's NICs (HSDP: every replica holds the whole model state, sharded over its
 * GPUs). Assumption: built from the restart's own parts; FT-HSDP does not publish it.
 */
export function partialRejoinS(p: RestartParams, replicaGpus: number, stateBytes: number): number {
  return p.processStartS + ncclInitS(p, replicaGpus) + stateBytes / (Math.max(1, replicaGpus) * REJOIN_NIC_GBPS * 1e9);
}

/** NCCL communicator init for `ranks` ranks. */
export function ncclInitS(p: RestartParams, ranks: number): number {
  return p.ncclBaseS + p.ncclPerRankS * Math.max(1, ranks);
}

/** The restart of a job of `gpus` ranks whose step takes `stepTimeS`. */
export function restartBreakdown(p: RestartParams, gpus: number, stepTimeS: number): RestartBreakdown {
  const warmupS = p.warmupSteps * stepTimeS;
  if (p.policy === 'elastic') {
    return { policy: p.policy, schedulerS: 0, processStartS: 0, ncclInitS: 0, warmupS, stallS: p.elasticStallS, totalS: p.elasticStallS + warmupS };
  }
  const full = p.policy === 'full';
  const schedulerS = full ? p.schedulerS : 0;
  const processStartS = full ? p.processStartS : 0;
  const nccl = ncclInitS(p, gpus);
  return { policy: p.policy, schedulerS, processStartS, ncclInitS: nccl, warmupS, stallS: 0, totalS: schedulerS + processStartS + nccl + warmupS };
}
