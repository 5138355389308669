import { defaultFabric } from '../../catalog/fabrics.js';
import type { SystemConfig } from '../../spec/types.js';
import type { EfficiencyModel } from '../efficiency.js';
import type { AlgorithmId, CollectiveKind, NetTables } from './algorithm.js';
import { netStepS } from './algorithm.js';
import { pairwise } from './algorithms/pairwise.js';
import { chosenAlgorithm, collectiveS } from './choose.js';
import type { Fabric } from './fabric.js';
import { newSpan, p2pSlowdown, spanInto, type GroupSpan } from './placement.js';
import { topologyOf, type Topology } from './topology.js';

/**
 * The network one estimate sees: the NVLink domain and the fabric's switch tiers, with the
 * efficiency model applied, built once per layer phase. Collective times come from the
 * algorithm NCCL would pick on the tiers the group spans (network/algorithms), so a group
 * inside one pod never sees the core's oversubscription.
 */
export interface Network {
  /** Bus bandwidth reached on NVLink, bytes/s per GPU per direction. */
  nvlinkBps: number;
  /** Bus bandwidth reached on the scale-out NIC at line rate (no oversubscription), bytes/s. */
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
  fabric: Fabric;
  topo: Topology;
  tables: NetTables;
  /** Scratch span reused by every call (the hot path allocates nothing). */
  scratch: GroupSpan;
}

const topoCache = new WeakMap<Fabric, Map<string, Topology>>();
const defaultCache = new Map<string, Fabric>();

/** The fabric a system runs on: its own, or the generic one its shorthand describes. */
export function fabricOf(system: SystemConfig): Fabric {
  if (system.fabric) return system.fabric;
  const key = `${system.scaleOutGbpsPerGpu}/${system.oversubscription}`;
  let f = defaultCache.get(key);
  if (!f) defaultCache.set(key, (f = defaultFabric(system.scaleOutGbpsPerGpu, system.oversubscription)));
  return f;
}

function topologyFor(fabric: Fabric, domain: number, nvlinkGBps: number): Topology {
  let m = topoCache.get(fabric);
  if (!m) topoCache.set(fabric, (m = new Map()));
  const key = `${domain}/${nvlinkGBps}`;
  let t = m.get(key);
  if (!t) m.set(key, (t = topologyOf(fabric, domain, nvlinkGBps)));
  return t;
}

const netCache = new WeakMap<SystemConfig, WeakMap<EfficiencyModel, Network>>();

/** The network of a system under an efficiency model, built once per (system, efficiency) pair. */
export function networkOf(system: SystemConfig, eff: EfficiencyModel): Network {
  let m = netCache.get(system);
  if (!m) netCache.set(system, (m = new WeakMap()));
  let n = m.get(eff);
  if (!n) m.set(eff, (n = buildNetwork(system, eff)));
  return n;
}

function buildNetwork(system: SystemConfig, eff: EfficiencyModel): Network {
  const fabric = fabricOf(system);
  const topo = topologyFor(fabric, system.nvlinkDomain, system.gpu.nvlinkGBps);
  const nvlinkRaw = system.gpu.nvlinkGBps * 1e9;
  const nicRaw = topo.nicLineBps;
  const tables: NetTables = {
    topo,
    nvlinkBps: nvlinkRaw * eff.nvlink,
    nvlinkLineBps: nvlinkRaw,
    nicEff: eff.nic,
    allToAllEff: eff.allToAll,
    nvlinkLatencyS: eff.nvlinkLatencyS,
    nicLatencyS: eff.nicLatencyS,
  };
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
    fabric,
    topo,
    tables,
    scratch: newSpan(topo.domainGpus.length),
  };
}

/** Members of a group (size, stride) that share one NVLink domain. */
export function localMembers(net: Network, size: number, stride: number): number {
  if (stride >= net.domain) return 1;
  return Math.max(1, Math.min(size, Math.floor(net.domain / stride)));
}

function timed(net: Network, kind: CollectiveKind, bytes: number, size: number, stride: number): number {
  if (size <= 1 || bytes <= 0) return 0;
  return collectiveS(kind, net.tables, spanInto(net.topo, size, stride, net.scratch), bytes);
}

/**
 * Time of a reduce-scatter or an all-gather of `bytes` (the full, unsharded buffer) over a
 * group of `size` ranks `stride` apart.
 */
export function reduceScatterS(net: Network, bytes: number, size: number, stride: number): number {
  return timed(net, 'reduce-scatter', bytes, size, stride);
}

/** All-reduce with NCCL's choice among ring, tree, NVLS and SHARP. */
export function allReduceS(net: Network, bytes: number, size: number, stride: number): number {
  return timed(net, 'all-reduce', bytes, size, stride);
}

/** All-to-all where each rank sends `bytesPerRank` in total, spread evenly over the group. */
export function allToAllS(net: Network, bytesPerRank: number, size: number, stride: number): number {
  if (size <= 1 || bytesPerRank <= 0) return 0;
  return pairwise.timeS('all-to-all', net.tables, spanInto(net.topo, size, stride, net.scratch), bytesPerRank);
}

/** Point-to-point transfer between neighbouring pipeline stages (or NVLink neighbours). */
export function sendRecvS(net: Network, bytes: number, crossesDomain: boolean): number {
  if (bytes <= 0) return 0;
  return crossesDomain ? bytes / net.nicBps + net.nicLatencyS : bytes / net.nvlinkBps + net.nvlinkLatencyS;
}

const levelScratch = [0];
/**
 * Point-to-point between ranks `stride` apart in a chain of `extent` ranks (pipeline stages:
 * stride tp·cp·dp; context-parallel ring: stride tp): NVLink when the partner shares the
 * domain, else the NIC, slowed where every GPU of a domain sends out through an
 * oversubscribed tier at once.
 */
export function p2pS(net: Network, bytes: number, stride: number, extent: number): number {
  if (bytes <= 0) return 0;
  if (stride < net.domain && extent <= net.domain) return bytes / net.nvlinkBps + net.nvlinkLatencyS;
  const slow = p2pSlowdown(net.topo, stride, extent, levelScratch);
  return (bytes * slow) / net.nicBps + netStepS(net.tables, levelScratch[0] as number);
}

/**
 * Topology-aware MoE dispatch (DeepEP / HybridEP): a token crosses the scale-out fabric once
 * per distinct destination domain, then is forwarded to its experts' GPUs over NVLink.
 * `tokens` tokens of `bytesPerToken` each leave this GPU for `topK` experts spread evenly over
 * the expert-parallel group. With group-limited routing (`groups` contiguous expert groups, a
 * token choosing among `groupTopK` of them) a token reaches at most groupTopK·⌈domains/groups⌉
 * domains. Expected distinct domains hit by k uniform picks among n: n·(1 − (1 − 1/n)^k); each
 * is this GPU's own domain with probability 1/domains. The copies bound for another pod leave
 * through the tiers above it, at their oversubscription.
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
  const g = spanInto(net.topo, size, 1, net.scratch);
  // NIC bytes leaving this GPU; of them, the share bound outside a level-(k-1) domain crosses level k.
  const nicBytes = tokens * remote * bytesPerToken;
  let tInter = nicBytes / net.dispatchNicBps;
  for (let k = 2; k <= g.top; k++) {
    const outside = (size - (g.members[k - 1] as number)) / (size - local);
    const x = (nicBytes * outside * net.topo.nicLineBps) / (net.topo.lineBps[k] as number) / net.dispatchNicBps;
    if (x > tInter) tInter = x;
  }
  // NVLink forwarding: every copy bound for another GPU of its destination domain.
  const tIntra = (copies * (local - 1)) / local / net.dispatchNvlinkBps;
  return Math.max(tInter, tIntra) + netStepS(net.tables, g.top) * Math.log2(domains);
}

/** What a group's traffic looks like on the fabric: for reports, not the hot path. */
export interface GroupRoute {
  size: number;
  stride: number;
  /** The highest level the group's traffic reaches ('nvlink', 'leaf', 'spine', ...). */
  tier: string;
  algorithm: AlgorithmId | 'p2p' | 'deepep' | 'none';
}

export function routeOf(net: Network, kind: CollectiveKind | 'p2p', size: number, stride: number, bytes: number): GroupRoute {
  const g = spanInto(net.topo, size, stride, newSpan(net.topo.domainGpus.length));
  if (size <= 1) return { size, stride, tier: 'none', algorithm: 'none' };
  if (kind === 'p2p') {
    const lv = [0];
    if (stride < net.domain && stride * size <= net.domain) return { size, stride, tier: net.topo.names[0] as string, algorithm: 'p2p' };
    p2pSlowdown(net.topo, stride, stride * size, lv);
    return { size, stride, tier: net.topo.names[lv[0] as number] as string, algorithm: 'p2p' };
  }
  const algorithm = kind === 'all-to-all' ? 'pairwise' : chosenAlgorithm(kind, net.tables, g, bytes);
  return { size, stride, tier: net.topo.names[g.top] as string, algorithm };
}
