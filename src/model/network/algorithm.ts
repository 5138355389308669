import type { GroupSpan } from './placement.js';
import type { Topology } from './topology.js';

export type CollectiveKind = 'reduce-scatter' | 'all-gather' | 'all-reduce' | 'all-to-all';
export type AlgorithmId = 'ring' | 'tree' | 'hierarchical' | 'nvls' | 'sharp' | 'pairwise';

/** A topology with an efficiency model applied: what every algorithm reads. */
export interface NetTables {
  topo: Topology;
  /** Bus bandwidth NCCL reaches on NVLink (ring), bytes/s per GPU per direction. */
  nvlinkBps: number;
  /** NVLink line rate, bytes/s per direction. */
  nvlinkLineBps: number;
  /** Fraction of a NIC's line rate that NCCL rings/trees reach, and that all-to-all reaches. */
  nicEff: number;
  allToAllEff: number;
  /** Per-step software + NIC latency of one ring/tree step, seconds. */
  nvlinkLatencyS: number;
  nicLatencyS: number;
}

/**
 * One collective algorithm: its bandwidth and latency terms on a topology. `bytes` is the full
 * (unsharded) buffer for reduce-scatter, all-gather and all-reduce, and what one rank sends in
 * all for all-to-all. Implementations are module-level singletons and allocate nothing.
 */
export interface CollectiveAlgorithm {
  readonly id: AlgorithmId;
  supports(kind: CollectiveKind, t: NetTables, g: GroupSpan): boolean;
  timeS(kind: CollectiveKind, t: NetTables, g: GroupSpan, bytes: number): number;
}

/** Bandwidth NCCL reaches per GPU for traffic leaving a level-(k-1) domain, bytes/s. */
export function levelBps(t: NetTables, k: number): number {
  return (t.topo.lineBps[k] as number) * t.nicEff;
}

/** Latency of one scale-out step whose highest level is `level`. */
export function netStepS(t: NetTables, level: number): number {
  return t.nicLatencyS + (t.topo.hopLatencyS[level] as number);
}
