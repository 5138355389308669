import { describe, expect, it } from 'vitest';
import { findModel } from '../../catalog/index.js';
import { parseSpecValue } from '../../spec/index.js';
import type { ModelConfig } from '../../spec/types.js';
import { allToAllS, networkOf, p2pS } from '../collectives.js';
import { efficiencyFor } from '../efficiency.js';
import { cpA2aSize, cpCommCost, cpCommProblem, kvHeadsPerTp } from './cp-comm.js';

// The context-parallel group arithmetic on hand-picked head counts, and the cost's pass counts.
const llama8b = findModel('llama3-8b') as ModelConfig; // 32 heads, 8 KV heads, head size 128
const mha32: ModelConfig = { ...llama8b, name: 'mha-32', kvHeads: 32 };
// Not a real GQA shape (12 query heads do not group over 8 KV heads): the one way to make the
// query heads, not the KV heads, the constraint on the all-to-all group.
const q12kv8: ModelConfig = { ...llama8b, name: 'q12-kv8', heads: 12, kvHeads: 8 };

function net(gpus: number, system: Record<string, unknown> = {}) {
  const r = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus, ...system }, training: { seqLen: 131072, globalBatch: gpus }, parallel: { tp: 1, pp: 1, dp: gpus, microBatch: 1 } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return networkOf(r.spec.system, efficiencyFor(r.spec.system.gpu));
}

describe('kvHeadsPerTp', () => {
  it('kvHeads/tp, or one replicated head when tp does not divide them', () => {
    expect(kvHeadsPerTp(llama8b, 2)).toBe(4);
    expect(kvHeadsPerTp(llama8b, 16)).toBe(1);
    expect(kvHeadsPerTp(llama8b, 3)).toBe(1);
  });
});

describe('cpA2aSize (a2a+p2p)', () => {
  it('the NVLink domain caps the group at domain/tp', () => {
    // tp 2 in a domain of 8: at most 4 ranks, though cp 8 and 16 heads per rank would allow 8
    expect(cpA2aSize(mha32, 2, 8, 'a2a+p2p', 8)).toBe(4);
    expect(cpA2aSize(mha32, 2, 8, 'a2a+p2p', 16)).toBe(8);
  });
  it('the group divides cp', () => {
    // cp 6, fit 4: 4 and 3 do not divide (cp, heads 16, kv 16), 2 does
    expect(cpA2aSize(mha32, 2, 6, 'a2a+p2p', 8)).toBe(2);
  });
  it('the group divides the KV heads per TP rank', () => {
    // kv 8/2 = 4: 8 does not divide it
    expect(cpA2aSize(llama8b, 2, 8, 'a2a+p2p', 16)).toBe(4);
  });
  it('the group divides the query heads per TP rank', () => {
    // q 12/2 = 6, kv 4, fit 4: 4 does not divide 6, 3 not cp, 2 divides all
    expect(cpA2aSize(q12kv8, 2, 4, 'a2a+p2p', 8)).toBe(2);
  });
  it('a2a takes all of cp, ring and allgather none', () => {
    expect(cpA2aSize(llama8b, 2, 8, 'a2a', 8)).toBe(8);
    expect(cpA2aSize(llama8b, 2, 8, 'ring', 8)).toBe(1);
    expect(cpA2aSize(llama8b, 2, 8, 'allgather', 8)).toBe(1);
  });
});

describe('cpCommProblem', () => {
  it('a2a: query heads per TP rank not divisible by cp', () => {
    expect(cpCommProblem(q12kv8, 2, 4, 'a2a', 8)).toBe('a2a splits the heads over cp: heads/tp (6) and kv heads/tp (4) must be divisible by cp (4)');
    expect(cpCommProblem(q12kv8, 2, 2, 'a2a', 8)).toBeUndefined();
  });
  it('a2a+p2p: no group of 2 or more', () => {
    // tp 8 fills the domain: fit 1
    expect(cpCommProblem(llama8b, 8, 2, 'a2a+p2p', 8)).toBe('a2a+p2p needs an all-to-all group of at least 2 ranks that divides cp (2), heads/tp (4) and kv heads/tp (1) and fits tp·size in the NVLink domain (8)');
    // a group of exactly 2 is enough
    expect(cpA2aSize(llama8b, 4, 2, 'a2a+p2p', 8)).toBe(2);
    expect(cpCommProblem(llama8b, 4, 2, 'a2a+p2p', 8)).toBeUndefined();
  });
  it('no problem without CP', () => {
    expect(cpCommProblem(llama8b, 8, 1, 'a2a+p2p', 8)).toBeUndefined();
    expect(cpCommProblem(q12kv8, 2, 1, 'a2a', 8)).toBeUndefined();
  });
});

describe('cpCommCost', () => {
  const T = 16384;
  it('a2a at tp 2: each tensor is the TP shard of the heads', () => {
    const n = net(8);
    const hd = 128;
    const q = (2 * T * 32 * hd) / 2;
    const kv = (2 * T * 8 * hd) / 2;
    const pass = allToAllS(n, q, 4, 2) + allToAllS(n, kv, 4, 2) + allToAllS(n, kv, 4, 2) + allToAllS(n, q, 4, 2);
    const c = cpCommCost(n, llama8b, { tp: 2, cp: 4, recompute: 'none' }, 'a2a', T, 1);
    expect(c.a2aS).toBeCloseTo(2 * pass, 15);
    expect(c.ringS).toBe(0);
  });
  it('ring: part hidden behind the attention, the rest exposed; full recomputation adds a pass', () => {
    const n = net(8);
    const block = (2 * T * 8 * (128 + 128)) / 2; // tp 2
    const step = p2pS(n, block, 2, 8);
    const ring = 3 * step * 3; // cp 4: 3 steps, 3 passes
    const c = cpCommCost(n, llama8b, { tp: 2, cp: 4, recompute: 'none' }, 'ring', T, ring / 4);
    expect(c.ringS).toBeCloseTo(ring, 15);
    expect(c.exposedS).toBeCloseTo(ring - ring / 4, 15);
    expect(c.overlappedS).toBeCloseTo(ring / 4, 15);
    const full = cpCommCost(n, llama8b, { tp: 2, cp: 4, recompute: 'full' }, 'ring', T, 0);
    expect(full.ringS).toBeCloseTo(3 * step * 4, 15);
  });
  it('a2a+p2p across nodes: the outer ring\'s neighbours are tp·a apart', () => {
    // an oversubscribed scale-out fabric, where a neighbour a whole node away is slower
    const n = net(16, { fabric: { tiers: [{ name: 'core', oversubscription: 4 }] } });
    const block0 = (2 * T * 8 * 256) / 2;
    expect(p2pS(n, block0, 8, 16)).toBeGreaterThan(p2pS(n, block0, 2, 16));
    // tp 2, cp 8, 16 GPUs: a = 4 (domain 8 / tp), outer ring of 2
    expect(cpA2aSize(llama8b, 2, 8, 'a2a+p2p', n.domain)).toBe(4);
    const block = (2 * T * 8 * 256) / 2;
    const c = cpCommCost(n, llama8b, { tp: 2, cp: 8, recompute: 'none' }, 'a2a+p2p', T, 0);
    expect(c.ringS).toBeCloseTo(1 * p2pS(n, block, 8, 16) * 3, 15);
  });
});
