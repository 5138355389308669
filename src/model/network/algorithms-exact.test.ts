import { describe, expect, it } from 'vitest';
import type { CollectiveKind, NetTables } from './algorithm.js';
import { hierarchical } from './algorithms/hierarchical.js';
import { NVLS_GAIN, nvls } from './algorithms/nvls.js';
import { pairwise } from './algorithms/pairwise.js';
import { ring } from './algorithms/ring.js';
import { SHARP_BW_FACTOR, sharp } from './algorithms/sharp.js';
import { TREE_BW_FACTOR, tree } from './algorithms/tree.js';
import { chosenAlgorithm, collectiveS } from './choose.js';
import { spanOf, type GroupSpan } from './placement.js';
import type { Topology } from './topology.js';

// Every algorithm on a small hand-written topology, each term written out from the algorithm's
// definition (its doc comment, NCCL's tuning.cc model) with the numbers in plain sight:
//   level 0 NVLink domain of 4 GPUs, level 1 leaf of 16, level 2 spine of 64, level 3 cluster;
//   NIC 50 GB/s, oversubscription 1, 2, 5 up to levels 1, 2, 3 (line 50, 25, 5 GB/s);
//   hop latency 1, 3, 6 µs up to levels 1, 2, 3; SHARP on leaf and spine, not above.
// NCCL reaches 300 GB/s on NVLink (line rate 400), 0.8 of a NIC, 0.5 in all-to-all; 2 µs per
// NVLink step, 10 µs per NIC step.
const topo: Topology = {
  fabricId: 'hand',
  names: ['nvlink', 'leaf', 'spine', 'cluster'],
  domainGpus: [4, 16, 64, Infinity],
  lineBps: [400e9, 50e9, 25e9, 5e9],
  hopLatencyS: [0, 1e-6, 3e-6, 6e-6],
  sharpUpTo: [false, true, true, false],
  nvls: true,
  rails: true,
  nicLineBps: 50e9,
};
const T: NetTables = { topo, nvlinkBps: 300e9, nvlinkLineBps: 400e9, nicEff: 0.8, allToAllEff: 0.5, nvlinkLatencyS: 2e-6, nicLatencyS: 10e-6 };
/** The same, on NVSwitches without NVLink SHARP. */
const noNvls: NetTables = { ...T, topo: { ...topo, nvls: false } };
/** The same with NVLink slowed to 1 GB/s, so the NVLink term is the slowest edge. */
const slowNvl: NetTables = { ...T, nvlinkBps: 1e9 };

// NCCL's bandwidth per GPU leaving a level-(k-1) domain (line × 0.8) and one NIC step's latency
// up to level k (10 µs + the hops).
const BW = [0, 40e9, 20e9, 4e9];
const STEP = [0, 11e-6, 13e-6, 16e-6];
const NVL_S = 2e-6;
const B = 1e9;

// The spans the tests use, as Megatron's rank order places them (checked against spanOf below).
const A: GroupSpan = { size: 4, stride: 1, members: [4, 4, 4, 4], top: 0 }; // one NVLink domain
const L: GroupSpan = { size: 16, stride: 1, members: [4, 16, 16, 16], top: 1 }; // one leaf
const C: GroupSpan = { size: 32, stride: 1, members: [4, 16, 32, 32], top: 2 }; // two leaves
const D: GroupSpan = { size: 8, stride: 4, members: [1, 4, 8, 8], top: 2 }; // one rank per domain
const E: GroupSpan = { size: 128, stride: 1, members: [4, 16, 64, 128], top: 3 }; // two spines
const ONE: GroupSpan = { size: 1, stride: 1, members: [1, 1, 1, 1], top: 0 };

const rel = (x: number, want: number) => expect(Math.abs(x / want - 1)).toBeLessThan(1e-12);

describe('the hand-written spans are where spanOf places those groups', () => {
  it.each([A, L, C, D, E, ONE].map((g) => [g.size, g.stride, g] as const))('size %i stride %i', (size, stride, g) => {
    expect(spanOf(topo, size, stride)).toEqual(g);
  });
});

describe('ring: the slowest edge class, one step per member', () => {
  it('inside one NVLink domain: (n−1)/n of the bytes on NVLink, n−1 NVLink steps; all-reduce twice that', () => {
    const one = ((3 / 4) * B) / 300e9 + 3 * NVL_S;
    rel(ring.timeS('reduce-scatter', T, A, B), one);
    rel(ring.timeS('all-gather', T, A, B), one);
    rel(ring.timeS('all-reduce', T, A, B), 2 * one);
  });

  it('across leaves: the leaf NIC edge (1/q0 of the bytes) sets the pace; 24 NVLink + 7 spine steps', () => {
    const frac = 31 / 32;
    // NVLink (frac·B/300e9), leaf (frac·B/4/40e9) and spine (frac·B/16/20e9) edges: the leaf's is slowest.
    expect((frac * B) / 4 / BW[1]!).toBeGreaterThan(Math.max((frac * B) / 300e9, (frac * B) / 16 / BW[2]!));
    const one = (frac * B) / 4 / BW[1]! + (32 - 8) * NVL_S + (8 - 1) * STEP[2]!;
    rel(ring.timeS('reduce-scatter', T, C, B), one);
    rel(ring.timeS('all-reduce', T, C, B), 2 * one);
  });

  it('on one leaf: 12 NVLink steps and 3 leaf steps', () => {
    const one = ((15 / 16) * B) / 4 / BW[1]! + 12 * NVL_S + 3 * STEP[1]!;
    rel(ring.timeS('all-gather', T, L, B), one);
  });

  it('with a slow NVLink the NVLink edge sets the pace', () => {
    rel(ring.timeS('reduce-scatter', slowNvl, C, B), ((31 / 32) * B) / 1e9 + 24 * NVL_S + 7 * STEP[2]!);
  });

  it('with one member per domain nothing crosses NVLink, however slow it is: 8 NIC steps', () => {
    const frac = 7 / 8;
    // leaf edge frac·B/1/40e9 against spine frac·B/4/20e9: the leaf's.
    rel(ring.timeS('reduce-scatter', slowNvl, D, B), (frac * B) / BW[1]! + 7 * STEP[2]!);
  });

  it('supports everything but all-to-all', () => {
    expect(ring.supports('all-reduce', T, C)).toBe(true);
    expect(ring.supports('reduce-scatter', T, A)).toBe(true);
    expect(ring.supports('all-to-all', T, C)).toBe(false);
  });
});

describe('tree: 0.9 of the ring bandwidth, 2·((q0−1)·intra + ⌈log2 nodes⌉·inter) latency', () => {
  it('across leaves: 2B/q0 through the leaf at 0.9, 3 NVLink and ⌈log2 8⌉ = 3 spine steps each way', () => {
    const tNet = Math.max((2 * B) / 4 / (BW[1]! * TREE_BW_FACTOR), (2 * B) / 16 / (BW[2]! * TREE_BW_FACTOR));
    expect(tNet).toBe((2 * B) / 4 / (BW[1]! * 0.9));
    rel(tree.timeS('all-reduce', T, C, B), tNet + 2 * (3 * NVL_S + 3 * STEP[2]!));
  });

  it('the NVLink chain sets the pace when NVLink is slow', () => {
    rel(tree.timeS('all-reduce', slowNvl, C, B), (2 * (3 / 4) * B) / 1e9 + 2 * (3 * NVL_S + 3 * STEP[2]!));
  });

  it('counts nodes as ⌈n/q0⌉ and rounds log2 up: 24 ranks on 6 nodes take 3 steps', () => {
    const g = spanOf(topo, 24, 1);
    expect(g.members).toEqual([4, 8, 24, 24]);
    // leaf: the least-populated leaf holds 8 ranks, so 2B/4 leaves each NIC towards the leaf.
    const tNet = Math.max((2 * B) / 4 / (BW[1]! * 0.9), (2 * B) / 8 / (BW[2]! * 0.9));
    rel(tree.timeS('all-reduce', T, g, B), tNet + 2 * (3 * NVL_S + 3 * STEP[2]!));
  });

  it('one rank per domain: no chain, 3 spine steps each way', () => {
    rel(tree.timeS('all-reduce', slowNvl, D, B), (2 * B) / 1 / (BW[1]! * 0.9) + 2 * 3 * STEP[2]!);
  });

  it('supports all-reduce across NVLink domains only', () => {
    expect(tree.supports('all-reduce', T, L)).toBe(true);
    expect(tree.supports('all-reduce', T, A)).toBe(false);
    expect(tree.supports('reduce-scatter', T, C)).toBe(false);
  });
});

describe('hierarchical: one ring phase per level, each on the data left by the phase below', () => {
  // Two leaves: NVLink phase of 4 on B, leaf phase of 4 on B/4, spine phase of 2 on B/16.
  const up = (nvlBw: number) =>
    ((3 / 4) * B) / nvlBw + 3 * NVL_S + ((3 / 4) * (B / 4)) / BW[1]! + 3 * STEP[1]! + ((1 / 2) * (B / 16)) / BW[2]! + 1 * STEP[2]!;

  it('reduce-scatter and all-gather: the three phases in turn, NVLink at the ring bandwidth even with NVLS', () => {
    rel(hierarchical.timeS('reduce-scatter', T, C, B), up(300e9));
    rel(hierarchical.timeS('all-gather', T, C, B), up(300e9));
  });

  it('all-reduce: both halves, the NVLink phase on NVLink SHARP where the NVSwitches have it', () => {
    rel(hierarchical.timeS('all-reduce', T, C, B), 2 * up(300e9 * (480 / 370)));
    rel(hierarchical.timeS('all-reduce', noNvls, C, B), 2 * up(300e9));
  });

  it('skips a level where each domain holds one member', () => {
    // D: no NVLink phase; leaf phase of 4 on B, spine phase of 2 on B/4.
    const want = ((3 / 4) * B) / BW[1]! + 3 * STEP[1]! + ((1 / 2) * (B / 4)) / BW[2]! + STEP[2]!;
    rel(hierarchical.timeS('reduce-scatter', T, D, B), want);
  });

  it('stops at the group top level', () => {
    rel(hierarchical.timeS('reduce-scatter', T, L, B), ((3 / 4) * B) / 300e9 + 3 * NVL_S + ((3 / 4) * (B / 4)) / BW[1]! + 3 * STEP[1]!);
  });

  it('costs nothing for no bytes or one rank', () => {
    expect(hierarchical.timeS('all-reduce', T, C, 0)).toBe(0);
    expect(hierarchical.timeS('all-reduce', T, ONE, B)).toBe(0);
  });

  it('supports every collective but all-to-all, across NVLink domains only', () => {
    for (const kind of ['reduce-scatter', 'all-gather', 'all-reduce'] as CollectiveKind[]) {
      expect(hierarchical.supports(kind, T, L)).toBe(true);
      expect(hierarchical.supports(kind, T, A)).toBe(false);
    }
    expect(hierarchical.supports('all-to-all', T, C)).toBe(false);
  });
});

describe('NVLS: all-reduce in the NVSwitches of one NVLink domain', () => {
  it('reaches the published 480 GB/s bus bandwidth on 8 H100 where the ring reaches 370 (nccl-tests#212)', () => {
    const t8: NetTables = { ...T, nvlinkBps: 370e9, topo: { ...topo, domainGpus: [8, 16, 64, Infinity] } };
    const g = spanOf(t8.topo, 8, 1);
    const S = 16 * 2 ** 30;
    // nccl-tests: busbw = (S / t) · 2(n − 1)/n for an all-reduce.
    const busbw = (S / nvls.timeS('all-reduce', t8, g, S)) * ((2 * 7) / 8);
    expect(Math.abs(busbw / 480e9 - 1)).toBeLessThan(1e-3);
  });

  it('is 2(n−1)/n of the bytes at the NVLS bandwidth, plus two NVLink steps', () => {
    rel(nvls.timeS('all-reduce', T, A, B), (2 * (3 / 4) * B) / (300e9 * NVLS_GAIN) + 2 * NVL_S);
    expect(NVLS_GAIN).toBe(480 / 370);
  });

  it('costs nothing for one rank or no bytes', () => {
    expect(nvls.timeS('all-reduce', T, ONE, B)).toBe(0);
    expect(nvls.timeS('all-reduce', T, A, 0)).toBe(0);
    expect(nvls.timeS('all-reduce', T, A, -1)).toBe(0);
  });

  it('supports an all-reduce of two or more ranks inside one domain of NVLS switches, nothing else', () => {
    expect(nvls.supports('all-reduce', T, A)).toBe(true);
    expect(nvls.supports('all-reduce', T, spanOf(topo, 2, 1))).toBe(true);
    expect(nvls.supports('reduce-scatter', T, A)).toBe(false);
    expect(nvls.supports('all-reduce', noNvls, A)).toBe(false);
    expect(nvls.supports('all-reduce', T, L)).toBe(false);
    expect(nvls.supports('all-reduce', T, ONE)).toBe(false);
  });
});

describe('SHARP: reduce inside the domain, one shard up and down through the switches', () => {
  it('two leaves: NVLink reduce-scatter + all-gather, B/q0 at 0.9 of the leaf rate, one trip to the spine', () => {
    const intra = 2 * (((3 / 4) * B) / 300e9 + 3 * NVL_S);
    const net = B / 4 / (BW[1]! * SHARP_BW_FACTOR) + 2 * STEP[2]!;
    rel(sharp.timeS('all-reduce', T, C, B), intra + net);
    expect(SHARP_BW_FACTOR).toBe(0.9);
  });

  it('one rank per domain: no NVLink phase', () => {
    rel(sharp.timeS('all-reduce', T, D, B), B / (BW[1]! * 0.9) + 2 * STEP[2]!);
  });

  it('costs nothing for no bytes or one rank', () => {
    expect(sharp.timeS('all-reduce', T, C, 0)).toBe(0);
    expect(sharp.timeS('all-reduce', T, ONE, B)).toBe(0);
  });

  it('supports an all-reduce whose every switch tier has SHARP, and never inside one NVLink domain', () => {
    expect(sharp.supports('all-reduce', T, L)).toBe(true);
    expect(sharp.supports('all-reduce', T, C)).toBe(true);
    expect(sharp.supports('all-reduce', T, E)).toBe(false);
    expect(sharp.supports('reduce-scatter', T, C)).toBe(false);
    const allSharp: NetTables = { ...T, topo: { ...topo, sharpUpTo: [true, true, true, true] } };
    expect(sharp.supports('all-reduce', allSharp, A)).toBe(false);
    expect(sharp.supports('all-reduce', allSharp, E)).toBe(true);
  });
});

describe('pairwise all-to-all: the slowest of the concurrent drains, log2(n) steps', () => {
  it('two leaves: the share leaving the leaf, through the spine at 25 GB/s × 0.5, is the slowest', () => {
    const nvl = (B * 3) / 32 / (400e9 * 0.5);
    const leaf = (B * (32 - 4)) / 32 / (50e9 * 0.5);
    const spine = (B * (32 - 16)) / 32 / (25e9 * 0.5);
    expect(spine).toBeGreaterThan(Math.max(nvl, leaf));
    rel(pairwise.timeS('all-to-all', T, C, B), spine + STEP[2]! * Math.log2(32));
  });

  it('one leaf: the share leaving the NVLink domain, and leaf steps', () => {
    rel(pairwise.timeS('all-to-all', T, L, B), (B * 12) / 16 / (50e9 * 0.5) + STEP[1]! * 4);
  });

  it('one NVLink domain: at NVLink line rate × 0.5, NVLink steps', () => {
    rel(pairwise.timeS('all-to-all', T, A, B), (B * 3) / 4 / (400e9 * 0.5) + NVL_S * 2);
  });

  it('with a slow NVLink the NVLink share is the slowest drain, though a tier comes after it', () => {
    const slowLine: NetTables = { ...T, nvlinkLineBps: 1e9 };
    const nvl = (B * 3) / 16 / (1e9 * 0.5);
    expect(nvl).toBeGreaterThan((B * 12) / 16 / (50e9 * 0.5));
    rel(pairwise.timeS('all-to-all', slowLine, L, B), nvl + STEP[1]! * 4);
  });

  it('supports all-to-all only', () => {
    expect(pairwise.supports('all-to-all', T, C)).toBe(true);
    expect(pairwise.supports('all-reduce', T, C)).toBe(false);
    expect(pairwise.supports('reduce-scatter', T, A)).toBe(false);
  });
});

describe("NCCL's choice", () => {
  it('runs reduce-scatter and all-gather as rings, and says so', () => {
    expect(chosenAlgorithm('all-reduce', T, A, B)).toBe('nvls');
    expect(chosenAlgorithm('reduce-scatter', T, A, B)).toBe('ring');
    expect(chosenAlgorithm('all-reduce', T, A, B)).toBe('nvls');
    expect(chosenAlgorithm('all-gather', T, C, B)).toBe('ring');
    expect(collectiveS('all-gather', T, C, B)).toBe(ring.timeS('all-gather', T, C, B));
  });

  it('takes the cheapest all-reduce: SHARP where the tiers have it, else the ring for large buffers, the tree for small', () => {
    expect(chosenAlgorithm('all-reduce', T, C, B)).toBe('sharp');
    expect(collectiveS('all-reduce', T, C, B)).toBe(sharp.timeS('all-reduce', T, C, B));
    const noSharp: NetTables = { ...T, topo: { ...topo, sharpUpTo: [false, false, false, false] } };
    expect(chosenAlgorithm('all-reduce', noSharp, C, B)).toBe('ring');
    expect(collectiveS('all-reduce', noSharp, C, B)).toBe(ring.timeS('all-reduce', noSharp, C, B));
    expect(chosenAlgorithm('all-reduce', noSharp, C, 1e4)).toBe('tree');
    expect(collectiveS('all-reduce', noSharp, C, 1e4)).toBe(tree.timeS('all-reduce', noSharp, C, 1e4));
  });

  it('all-to-all is pairwise; one rank or no bytes cost nothing', () => {
    expect(chosenAlgorithm('all-to-all', T, C, B)).toBe('pairwise');
    expect(collectiveS('all-to-all', T, C, B)).toBe(pairwise.timeS('all-to-all', T, C, B));
    expect(collectiveS('all-reduce', T, ONE, B)).toBe(0);
    expect(collectiveS('all-reduce', T, C, 0)).toBe(0);
  });
});
