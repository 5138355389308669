import type { SystemConfig } from '../spec/types.js';
import type { EfficiencyModel } from './efficiency.js';

/**
 * Collective costs on a two-level network: an NVLink domain (fast, all-to-all inside) and a
 * rail-optimised scale-out fabric (each GPU has its own NIC). A group of `size` ranks whose
 * members are `stride` ranks apart (Megatron's rank order: tp innermost, then cp, dp, pp)
 * has `local` members per NVLink domain; the rest of the group is reached over the NICs.
 * Hierarchical algorithms (NCCL's intra-node then inter-node rings/trees) are assumed:
 * the inter-domain phase moves 1/local of the data per GPU, on every GPU's own NIC.
 */
export interface Network {
  /** Bus bandwidth reached on NVLink, bytes/s per GPU per direction. */
  nvlinkBps: number;
  /** Bus bandwidth reached on the scale-out NIC, bytes/s per GPU per direction. */
  nicBps: number;
  nvlinkLatencyS: number;
  nicLatencyS: number;
  domain: number;
  /** Bandwidth reached by all-to-all (token dispatch) on NVLink and on the NIC, bytes/s. */
  allToAllNvlinkBps: number;
  allToAllNicBps: number;
  /** Bandwidth a topology-aware dispatcher (DeepEP) reaches on the NIC and on NVLink, bytes/s. */
  dispatchNicBps: number;
  dispatchNvlinkBps: number;
}

export function networkOf(system: SystemConfig, eff: EfficiencyModel): Network {
  const nvlinkRaw = system.gpu.nvlinkGBps * 1e9;
  const nicRaw = (system.scaleOutGbpsPerGpu * 1e9) / 8 / system.oversubscription;
  return {
    nvlinkBps: nvlinkRaw * eff.nvlink,
    nicBps: nicRaw * eff.nic,
    nvlinkLatencyS: eff.nvlinkLatencyS,
    nicLatencyS: eff.nicLatencyS,
    domain: system.nvlinkDomain,
    allToAllNvlinkBps: nvlinkRaw * eff.allToAll,
    allToAllNicBps: nicRaw * eff.allToAll,
    dispatchNicBps: nicRaw * eff.dispatchNic,
    dispatchNvlinkBps: nvlinkRaw * eff.dispatchNvlink,
  };
}

/** Members of a group (size, stride) that share one NVLink domain. */
export function localMembers(net: Network, size: number, stride: number): number {
  if (stride >= net.domain) return 1;
  return Math.max(1, Math.min(size, Math.floor(net.domain / stride)));
}

/**
 * Time of a reduce-scatter or an all-gather of `bytes` (the full, unsharded buffer) over a
 * group. An all-reduce is twice this.
 */
export function reduceScatterS(net: Network, bytes: number, size: number, stride: number): number {
  if (size <= 1 || bytes <= 0) return 0;
  const local = localMembers(net, size, stride);
  const nodes = Math.ceil(size / local);
  let t = 0;
  if (local > 1) t += ((local - 1) / local) * (bytes / net.nvlinkBps) + (local - 1) * net.nvlinkLatencyS;
  if (nodes > 1) {
    // Inter-domain ring/tree on each GPU's own NIC, carrying 1/local of the data.
    t += ((nodes - 1) / nodes) * (bytes / local / net.nicBps) + Math.log2(nodes) * 2 * net.nicLatencyS;
  }
  return t;
}

export function allReduceS(net: Network, bytes: number, size: number, stride: number): number {
  return 2 * reduceScatterS(net, bytes, size, stride);
}

/** All-to-all where each rank sends `bytesPerRank` in total, spread evenly over the group. */
export function allToAllS(net: Network, bytesPerRank: number, size: number, stride: number): number {
  if (size <= 1 || bytesPerRank <= 0) return 0;
  const local = localMembers(net, size, stride);
  const intra = (bytesPerRank * (local - 1)) / size;
  const inter = (bytesPerRank * (size - local)) / size;
  const tIntra = intra / net.allToAllNvlinkBps;
  const tInter = inter / net.allToAllNicBps;
  const latency = size > local ? net.nicLatencyS * Math.log2(size) : net.nvlinkLatencyS * Math.log2(size);
  return Math.max(tIntra, tInter) + latency;
}

/** Point-to-point transfer between neighbouring pipeline stages. */
export function sendRecvS(net: Network, bytes: number, crossesDomain: boolean): number {
  if (bytes <= 0) return 0;
  return crossesDomain ? bytes / net.nicBps + net.nicLatencyS : bytes / net.nvlinkBps + net.nvlinkLatencyS;
}

/**
 * Topology-aware MoE dispatch (DeepEP / HybridEP): a token crosses the scale-out fabric once
 * per distinct destination domain, then is forwarded to its experts' GPUs over NVLink.
 * `tokens` tokens of `bytesPerToken` each leave this GPU for `topK` experts spread evenly over
 * the expert-parallel group. With group-limited routing (`groups` contiguous expert groups, a
 * token choosing among `groupTopK` of them) a token reaches at most groupTopK·⌈domains/groups⌉
 * domains. Expected distinct domains hit by k uniform picks among n: n·(1 − (1 − 1/n)^k); each
 * is this GPU's own domain with probability 1/domains.
 */
export function dispatchS(net: Network, tokens: number, topK: number, bytesPerToken: number, size: number, groups?: { count: number; topK: number }): number {
  if (size <= 1 || tokens <= 0) return 0;
  const local = localMembers(net, size, 1);
  const domains = Math.ceil(size / local);
  const copies = tokens * topK * bytesPerToken;
  if (domains <= 1) return (copies * (local - 1)) / local / net.dispatchNvlinkBps + net.nvlinkLatencyS * Math.log2(size);
  const reachable = groups ? Math.min(domains, groups.topK * Math.ceil(domains / groups.count)) : domains;
  const hit = reachable * (1 - (1 - 1 / reachable) ** topK);
  const remote = hit * (1 - 1 / domains);
  const tInter = (tokens * remote * bytesPerToken) / net.dispatchNicBps;
  // NVLink forwarding: every copy bound for another GPU of its destination domain.
  const tIntra = (copies * (local - 1)) / local / net.dispatchNvlinkBps;
  return Math.max(tInter, tIntra) + net.nicLatencyS * Math.log2(domains);
}
