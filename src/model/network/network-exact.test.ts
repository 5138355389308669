import { describe, expect, it } from 'vitest';
import { defaultFabric } from '../../catalog/fabrics.js';
import { findGpu } from '../../catalog/gpus.js';
import type { GpuSpec } from '../../catalog/gpu.js';
import type { SystemConfig } from '../../spec/types.js';
import type { EfficiencyModel } from '../efficiency.js';
import { defaultEfficiency } from '../layer/layer-phase.js';
import { chosenAlgorithm } from './choose.js';
import {
  allReduceS,
  allToAllS,
  dispatchS,
  fabricOf,
  localMembers,
  networkOf,
  p2pS,
  reduceScatterS,
  routeOf,
  sendRecvS,
} from './network.js';
import { membersWithin, spanOf } from './placement.js';
import { topologyOf } from './topology.js';

// 8×H100 nodes (NVLink 450 GB/s per direction, catalog) on the generic fabric at 400 Gb/s
// (50 GB/s) per GPU, leaf 256 GPUs, spine 2,048, core 4:1, 0.5 µs per tier hop (QUANTUM2_HOP_S).
// The efficiencies are chosen apart from each other so each field can only come from its own.
const gpu = findGpu('h100-sxm') as GpuSpec;
const sys: SystemConfig = { gpu, gpus: 4096, gpusPerNode: 8, nvlinkDomain: 8, scaleOutGbpsPerGpu: 400, oversubscription: 4 };
const eff: EfficiencyModel = { ...defaultEfficiency(gpu), nvlink: 0.8, nic: 0.9, allToAll: 0.5, dispatchNic: 0.6, dispatchNvlink: 0.7, nvlinkLatencyS: 3e-6, nicLatencyS: 9e-6 };
const NVL = 450e9;
const NIC = 50e9;
const HOP = 0.5e-6;
const B = 1e9;
const net = networkOf(sys, eff);
/**
 * A network built inside the test that reads it: `net` above is built when the file loads,
 * before a mutation run switches a mutant on, and networkOf caches per (system, efficiency).
 */
const fresh = () => networkOf({ ...sys }, { ...eff });
const close = (x: number, want: number) => expect(Math.abs(x / want - 1)).toBeLessThan(1e-12);

describe('networkOf: the efficiency model applied to the line rates', () => {
  it('every bandwidth is its line rate times its own efficiency', () => {
    const net = fresh();
    expect(net.nvlinkBps).toBe(NVL * 0.8);
    expect(net.nicBps).toBe(NIC * 0.9);
    expect(net.allToAllNvlinkBps).toBe(NVL * 0.5);
    expect(net.allToAllNicBps).toBe(NIC * 0.5);
    expect(net.dispatchNicBps).toBe(NIC * 0.6);
    expect(net.dispatchNvlinkBps).toBe(NVL * 0.7);
    expect(net.nvlinkLatencyS).toBe(3e-6);
    expect(net.nicLatencyS).toBe(9e-6);
    expect(net.domain).toBe(8);
  });

  it('the tables the algorithms read carry the same figures', () => {
    const net = fresh();
    expect(net.tables).toEqual({ topo: net.topo, nvlinkBps: NVL * 0.8, nvlinkLineBps: NVL, nicEff: 0.9, allToAllEff: 0.5, nvlinkLatencyS: 3e-6, nicLatencyS: 9e-6 });
    expect(net.topo).toEqual(topologyOf(defaultFabric(400, 4), 8, 450));
    expect(net.scratch.members).toHaveLength(4);
  });

  it('a system without a fabric runs on the generic one its shorthand describes; one with a fabric on its own', () => {
    expect(fabricOf(sys)).toEqual(defaultFabric(400, 4));
    expect(net.fabric).toEqual(defaultFabric(400, 4));
    const own = { ...defaultFabric(200, 1), id: 'own' };
    expect(fabricOf({ ...sys, fabric: own })).toBe(own);
  });

  it('is built once per (system, efficiency) pair, and systems on the same fabric share one topology', () => {
    expect(networkOf(sys, eff)).toBe(net);
    expect(fabricOf({ ...sys })).toBe(fabricOf(sys));
    const twin = networkOf({ ...sys }, eff);
    expect(twin).not.toBe(net);
    expect(twin.topo).toBe(net.topo);
    expect(networkOf(sys, { ...eff })).not.toBe(net);
  });
});

describe('members of a group per domain', () => {
  it('localMembers: ⌊domain/stride⌋ of them, at most the group, at least one', () => {
    expect(localMembers(net, 8, 2)).toBe(4);
    expect(localMembers(net, 2, 1)).toBe(2);
    expect(localMembers(net, 64, 1)).toBe(8);
    expect(localMembers(net, 16, 8)).toBe(1);
    expect(localMembers(net, 16, 3)).toBe(2);
  });

  it('membersWithin: the same at any level', () => {
    expect(membersWithin(net.topo, 0, 64, 2)).toBe(4);
    expect(membersWithin(net.topo, 1, 64, 2)).toBe(64);
    expect(membersWithin(net.topo, 1, 1024, 8)).toBe(32);
    expect(membersWithin(net.topo, 0, 64, 8)).toBe(1);
    expect(membersWithin(net.topo, 9, 64, 8)).toBe(64); // past the top: one unbounded domain
  });
});

describe('collectives on the system', () => {
  it('reduce-scatter and all-reduce inside one node: the NVLink ring, 7 steps (twice for all-reduce)', () => {
    const one = ((7 / 8) * B) / (NVL * 0.8) + 7 * 3e-6;
    close(reduceScatterS(net, B, 8, 1), one);
    close(allReduceS(net, B, 8, 1), 2 * one);
    expect(reduceScatterS(net, 0, 8, 1)).toBe(0);
    expect(allReduceS(net, B, 1, 1)).toBe(0);
  });

  it('all-to-all over 64 GPUs of one leaf: the share leaving the node at NIC × 0.5, 6 leaf steps', () => {
    const nic = (B * 56) / 64 / (NIC * 0.5);
    expect(nic).toBeGreaterThan((B * 7) / 64 / (NVL * 0.5));
    close(allToAllS(net, B, 64, 1), nic + (9e-6 + HOP) * 6);
    expect(allToAllS(net, 0, 64, 1)).toBe(0);
    expect(allToAllS(net, B, 1, 1)).toBe(0);
  });

  it('sendRecvS: over the NIC or over NVLink, plus its latency', () => {
    close(sendRecvS(net, B, true), B / (NIC * 0.9) + 9e-6);
    close(sendRecvS(net, B, false), B / (NVL * 0.8) + 3e-6);
    expect(sendRecvS(net, 0, true)).toBe(0);
  });
});

describe('p2pS: pipeline hand-offs', () => {
  it('on NVLink when the partner and the whole chain share the domain', () => {
    close(p2pS(net, B, 4, 8), B / (NVL * 0.8) + 3e-6);
    close(p2pS(net, B, 1, 8), B / (NVL * 0.8) + 3e-6);
    expect(p2pS(net, 0, 4, 8)).toBe(0);
    expect(p2pS(net, 0, 2048, 16 * 2048)).toBe(0);
  });

  it('on the NIC when the chain leaves the domain, or the partner is a domain away', () => {
    close(p2pS(net, B, 4, 16), B / (NIC * 0.9) + 9e-6 + HOP);
    // Partner 8 ranks away is in the next node however short the chain: a NIC step, no tier.
    close(p2pS(net, B, 8, 8), B / (NIC * 0.9) + 9e-6);
  });

  it('slowed by the 4:1 core when the stages sit a pod (or half a pod) apart', () => {
    // Every GPU of a 2,048-GPU pod sends across the core at once: 4× slower, three hops.
    close(p2pS(net, B, 2048, 16 * 2048), (B * 4) / (NIC * 0.9) + 9e-6 + 3 * HOP);
    // Half of them: 2×.
    close(p2pS(net, B, 1024, 16 * 1024), (B * 2) / (NIC * 0.9) + 9e-6 + 3 * HOP);
  });
});

describe('dispatchS: the whole time, latency included', () => {
  const tokens = 4096, topK = 8, b = 7168;
  const domains = 8;
  const hit = domains * (1 - (1 - 1 / domains) ** topK);
  const nicBytes = tokens * hit * (1 - 1 / domains) * b;
  const copiesOut = (tokens * topK * b * 7) / 8;
  const lat = (9e-6 + HOP) * Math.log2(domains); // 8 nodes of one leaf

  it('over 64 GPUs of one leaf: the NIC copies set the pace', () => {
    const tInter = nicBytes / (NIC * 0.6);
    expect(tInter).toBeGreaterThan(copiesOut / (NVL * 0.7));
    close(dispatchS(net, tokens, topK, b, 64), tInter + lat);
  });

  it('with a slow NVLink the forwarding inside the destination domain sets the pace', () => {
    const slow = networkOf(sys, { ...eff, dispatchNvlink: 0.02 });
    const tIntra = copiesOut / (NVL * 0.02);
    expect(tIntra).toBeGreaterThan(nicBytes / (NIC * 0.6));
    close(dispatchS(slow, tokens, topK, b, 64), tIntra + lat);
  });
});

describe('routeOf: what a group looks like on the fabric', () => {
  it('one rank: nothing', () => {
    expect(routeOf(net, 'all-reduce', 1, 1, B)).toEqual({ size: 1, stride: 1, tier: 'none', algorithm: 'none' });
    expect(routeOf(net, 'p2p', 1, 8, B)).toEqual({ size: 1, stride: 8, tier: 'none', algorithm: 'none' });
  });

  it('p2p: NVLink while the chain fits the domain, else the tier it reaches', () => {
    expect(routeOf(net, 'p2p', 4, 2, B)).toEqual({ size: 4, stride: 2, tier: 'nvlink', algorithm: 'p2p' });
    expect(routeOf(net, 'p2p', 8, 2, B)).toEqual({ size: 8, stride: 2, tier: 'leaf', algorithm: 'p2p' });
    expect(routeOf(net, 'p2p', 2, 8, B)).toEqual({ size: 2, stride: 8, tier: 'leaf', algorithm: 'p2p' });
    expect(routeOf(net, 'p2p', 16, 2048, B)).toEqual({ size: 16, stride: 2048, tier: 'core', algorithm: 'p2p' });
  });

  it('collectives: the top tier of the group and the algorithm NCCL picks', () => {
    expect(routeOf(net, 'all-reduce', 8, 1, B)).toEqual({ size: 8, stride: 1, tier: 'nvlink', algorithm: 'ring' });
    expect(routeOf(net, 'reduce-scatter', 64, 1, B)).toEqual({ size: 64, stride: 1, tier: 'leaf', algorithm: 'ring' });
    expect(routeOf(net, 'all-to-all', 64, 1, B)).toEqual({ size: 64, stride: 1, tier: 'leaf', algorithm: 'pairwise' });
    const dp = spanOf(net.topo, 512, 8);
    expect(dp.top).toBe(3);
    expect(chosenAlgorithm('all-reduce', net.tables, dp, 1e5)).toBe('tree');
    expect(routeOf(net, 'all-reduce', 512, 8, 1e5)).toEqual({ size: 512, stride: 8, tier: 'core', algorithm: 'tree' });
  });
});
