import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findModel } from '../../catalog/index.js';
import { parseSpecValue } from '../../spec/index.js';
import type { ModelConfig, Spec, SystemConfig } from '../../spec/types.js';
import { networkOf, p2pS } from '../collectives.js';
import { efficiencyFor } from '../efficiency.js';
import { estimate } from '../estimate.js';
import { cpA2aSize, cpCommCost, cpCommProblem } from './cp-comm.js';
import { layerPhase, withCpComm } from './layer-phase.js';

const llama8b = findModel('llama3-8b') as ModelConfig; // 32 heads, 8 KV heads, head size 128

function spec(gpus: number, parallel: Record<string, unknown>, system: Record<string, unknown> = {}, training: Record<string, unknown> = {}): Spec {
  const r = parseSpecValue({
    model: 'llama3-8b',
    system: { gpu: 'h100-sxm', gpus, ...system },
    training: { seqLen: 131072, globalBatch: 8, ...training },
    parallel: { pp: 1, microBatch: 1, recompute: 'selective', zeroStage: 1, ...parallel },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

function net(system: SystemConfig) {
  return networkOf(system, efficiencyFor(system.gpu));
}

describe('context-parallel exchanges (cp-comm.ts)', () => {
  it('a2a, worked by hand: Llama 3 8B at 128k, tp 1, cp 8 on one 8-GPU H100 node', () => {
    const s = spec(8, { tp: 1, cp: 8, dp: 1 });
    const n = net(s.system);
    const tokens = 131072 / 8; // 16,384 per rank
    // BF16 bytes per rank: Q and O 16,384 × 32 heads × 128 × 2 = 128 MiB each; K and V
    // 16,384 × 8 × 128 × 2 = 32 MiB each: 320 MiB per pass.
    const q = 16384 * 32 * 128 * 2;
    const kv = 16384 * 8 * 128 * 2;
    expect(q).toBe(134_217_728);
    expect(kv).toBe(33_554_432);
    // Pairwise all-to-all inside NVLink: 7/8 of each tensor leaves the GPU at 0.6 × 450 GB/s,
    // plus log2(8) = 3 steps of 5 µs.
    const one = (bytes: number) => (bytes * 7) / 8 / (450e9 * 0.6) + 3 * 5e-6;
    expect(one(q)).toBeCloseTo(449.965e-6, 9);
    expect(one(kv)).toBeCloseTo(123.741e-6, 9);
    // Forward: Q, K, V in and O out; backward: dO in and dQ, dK, dV out.
    const passS = 2 * one(q) + 2 * one(kv); // 1.1474 ms
    const c = cpCommCost(n, llama8b, { tp: 1, cp: 8, recompute: 'selective' }, 'a2a', tokens, 1);
    expect(c.a2aS).toBeCloseTo(2 * passS, 12);
    expect(c.a2aS).toBeCloseTo(2.29483e-3, 7);
    // On the critical path however long the attention it could hide behind.
    expect(c.exposedS).toBe(c.a2aS);
    expect(c.overlappedS).toBe(0);
    // Full recomputation replays the forward's four.
    expect(cpCommCost(n, llama8b, { tp: 1, cp: 8, recompute: 'full' }, 'a2a', tokens, 1).a2aS).toBeCloseTo(3 * passS, 12);
  });

  it('the ring keeps its cost: cp − 1 K/V blocks, three passes, hidden behind the attention; all-gather hides nothing', () => {
    const s = spec(8, { tp: 1, cp: 8, dp: 1 });
    const n = net(s.system);
    const block = 2 * 16384 * 8 * (128 + 128); // K and V of one rank
    const ringS = 7 * p2pS(n, block, 1, 8) * 3;
    const hidden = cpCommCost(n, llama8b, { tp: 1, cp: 8, recompute: 'none' }, 'ring', 16384, 1);
    expect(hidden.ringS).toBeCloseTo(ringS, 12);
    expect(hidden.exposedS).toBe(0);
    const short = cpCommCost(n, llama8b, { tp: 1, cp: 8, recompute: 'none' }, 'ring', 16384, ringS / 4);
    expect(short.exposedS).toBeCloseTo((ringS * 3) / 4, 12);
    expect(cpCommCost(n, llama8b, { tp: 1, cp: 8, recompute: 'none' }, 'allgather', 16384, 1).exposedS).toBeCloseTo(ringS, 12);
  });

  it('a2a+p2p: all-to-all over the ranks one NVLink domain holds, a ring of the same blocks across', () => {
    // tp 2, cp 8: 16 query and 4 KV heads per TP rank; 4 CP ranks fit the 8-GPU domain.
    expect(cpA2aSize(llama8b, 2, 8, 'a2a+p2p', 8)).toBe(4);
    expect(cpA2aSize(llama8b, 1, 16, 'a2a+p2p', 8)).toBe(8);
    expect(cpA2aSize(llama8b, 8, 4, 'a2a+p2p', 8)).toBe(1); // one KV head per TP rank
    const s = spec(16, { tp: 2, cp: 8, dp: 1 });
    const n = net(s.system);
    const tokens = 131072 / 8;
    const h = cpCommCost(n, llama8b, { tp: 2, cp: 8, recompute: 'none' }, 'a2a+p2p', tokens, 0);
    const block = (2 * tokens * 8 * 256) / 2;
    expect(h.ringS).toBeCloseTo(1 * p2pS(n, block, 8, 16) * 3, 12); // 2 outer groups: one step
    const flat = cpCommCost(n, llama8b, { tp: 2, cp: 8, recompute: 'none' }, 'ring', tokens, 0);
    expect(h.ringS).toBeLessThan(flat.ringS);
    expect(h.a2aS).toBeGreaterThan(0);
    // With no attention to hide behind both parts are exposed; with enough, only the all-to-all.
    expect(h.exposedS).toBeCloseTo(h.a2aS + h.ringS, 12);
    const hidden = cpCommCost(n, llama8b, { tp: 2, cp: 8, recompute: 'none' }, 'a2a+p2p', tokens, h.ringS);
    expect([hidden.exposedS, hidden.overlappedS]).toEqual([hidden.a2aS, h.ringS]);
  });

  it('a2a time grows with the sequence and falls with the bandwidth (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4, 8),
        fc.constantFrom(1, 2),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(100, 200, 400),
        fc.boolean(),
        (cp, tp, k, grow, gbps, crossNode) => {
          if ((32 / tp) % cp !== 0 || (8 / tp) % cp !== 0) return;
          // Across nodes: one rank per node (nvlinkDomain 1) puts the whole group on the NIC.
          const sys = (nvl: number, nic: number) => spec(tp * cp, { tp, cp, dp: 1 }, { gpu: { id: 'h100-sxm', nvlinkGBps: nvl }, scaleOutGbpsPerGpu: nic, ...(crossNode ? { nvlinkDomain: 1, gpusPerNode: 1 } : {}) }).system;
          const m = { tp, cp, recompute: 'none' as const };
          const t = (system: SystemConfig, tokens: number) => cpCommCost(net(system), llama8b, m, 'a2a', tokens, 0).a2aS;
          const base = sys(450, gbps);
          const tokens = 512 * k;
          expect(t(base, tokens * (1 + grow))).toBeGreaterThan(t(base, tokens));
          const faster = crossNode ? sys(450, gbps * 2) : sys(900, gbps);
          expect(t(faster, tokens)).toBeLessThan(t(base, tokens));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a2a needs the query and KV heads per TP rank divisible by cp', () => {
    expect(cpCommProblem(llama8b, 1, 8, 'a2a', 8)).toBeUndefined();
    expect(cpCommProblem(llama8b, 1, 16, 'a2a', 8)).toMatch(/kv heads\/tp \(8\) must be divisible by cp \(16\)/);
    expect(cpCommProblem(llama8b, 2, 8, 'a2a', 8)).toMatch(/divisible/);
    expect(cpCommProblem(llama8b, 2, 8, 'a2a+p2p', 8)).toBeUndefined();
    expect(cpCommProblem(llama8b, 8, 4, 'a2a+p2p', 8)).toMatch(/at least 2 ranks/);
    expect(cpCommProblem(llama8b, 8, 4, 'ring', 8)).toBeUndefined();
    expect(cpCommProblem(llama8b, 8, 1, 'a2a', 8)).toBeUndefined(); // no CP, nothing to split
  });

  it('a spec that names an exchange its stack lacks, or one that cannot split the heads, is refused on parallel.cpComm', () => {
    const issues = (training: Record<string, unknown>, parallel: Record<string, unknown>) => {
      const r = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 16 }, training: { seqLen: 131072, globalBatch: 8, ...training }, parallel: { tp: 1, pp: 1, dp: 1, ...parallel } });
      return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message} (expected ${i.expected})`);
    };
    expect(issues({ stack: 'torchtitan' }, { cp: 16, cpComm: 'a2a' })).toEqual(['parallel.cpComm: is not a context-parallel exchange torchtitan runs (expected one of allgather, ring (or absent: the stack\'s default))']);
    expect(issues({ stack: 'deepspeed' }, { cp: 16, cpComm: 'ring' })[0]).toMatch(/^parallel.cpComm: is not a context-parallel exchange deepspeed runs \(expected one of a2a/);
    expect(issues({}, { cp: 16, cpComm: 'a2a' })[0]).toMatch(/^parallel.cpComm: cannot run this plan: a2a splits the heads .*expected parallel.cpComm one of ring, allgather, a2a\+p2p for this tp and cp/);
    expect(issues({}, { cp: 16, cpComm: 'a2a+p2p' })).toEqual([]);
    expect(issues({}, { cp: 16 })).toEqual([]);
    // The stack's default is held to the same rule: DeepSpeed's Ulysses at cp 16.
    expect(issues({ stack: 'deepspeed' }, { cp: 16 })[0]).toMatch(/^parallel.cp: cannot run this plan: a2a splits the heads .*\(a2a is the default of deepspeed\)/);
    expect(issues({ stack: 'deepspeed' }, { cp: 8, dp: 2 })).toEqual([]);
  });

  it('the exchange changes only the exposed CP time: memory and compute stay, ring hides what a2a exposes at 128k on one node', () => {
    const ring = estimate(spec(8, { tp: 1, cp: 8, dp: 1, cpComm: 'ring' }));
    const a2a = estimate(spec(8, { tp: 1, cp: 8, dp: 1, cpComm: 'a2a' }));
    const dflt = estimate(spec(8, { tp: 1, cp: 8, dp: 1 }));
    expect(dflt.stepTimeS).toBe(ring.stepTimeS); // Megatron-Core's default is the ring
    expect(a2a.memory.totalGiB).toBe(ring.memory.totalGiB);
    expect(a2a.breakdown.exposedCommS.cp).toBeGreaterThan(ring.breakdown.exposedCommS.cp);
    expect(a2a.parallel.cpComm).toBe('a2a');
    expect(a2a.network.routes.cp.algorithm).toBe('pairwise');
    expect(ring.network.routes.cp.algorithm).toBe('p2p');
    // Unfused attention keeps its scores: s/cp × s for h/tp heads under the ring is s × s for
    // h/(tp·cp) heads under Ulysses, the same bytes.
    const unfused = (cpComm: string) => estimate(spec(8, { tp: 1, cp: 8, dp: 1, cpComm, recompute: 'none' }, {}, { seqLen: 16384, attention: 'unfused' }));
    expect(unfused('a2a').memory.activationsGiB).toBe(unfused('ring').memory.activationsGiB);
    expect(unfused('a2a').memory.activationsGiB).toBeGreaterThan(estimate(spec(8, { tp: 1, cp: 8, dp: 1, cpComm: 'a2a', recompute: 'none' }, {}, { seqLen: 16384 })).memory.activationsGiB);
  });

  it('re-pricing a layer phase under another exchange (what search does) equals building it with that exchange', () => {
    for (const [model, tp, cp] of [['llama3-8b', 1, 8], ['llama3-8b', 2, 8], ['deepseek-v3', 8, 4]] as const) {
      const r = parseSpecValue({ model, system: { gpu: 'h100-sxm', gpus: tp * cp }, training: { seqLen: 32768, globalBatch: 8 }, parallel: { tp, pp: 1, cp, dp: 1 } });
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      const base = { model: r.spec.model, system: r.spec.system, training: r.spec.training };
      const lp = { tp, cp, ep: 1, microBatch: 1, sequenceParallel: tp > 1, recompute: 'full' as const, tpCommOverlap: true };
      const L = layerPhase(base, lp, efficiencyFor(r.spec.system.gpu));
      for (const c of ['allgather', 'a2a', 'a2a+p2p'] as const) {
        if (cpCommProblem(r.spec.model, tp, cp, c, 8)) continue;
        const built = layerPhase(base, { ...lp, cpComm: c }, efficiencyFor(r.spec.system.gpu));
        const quick = withCpComm(L, c);
        expect([quick.denseLayerS, quick.moeLayerS, quick.dense.cpExposedS, quick.moe.cpOverlappedS, quick.lp.cpComm]).toEqual([built.denseLayerS, built.moeLayerS, built.dense.cpExposedS, built.moe.cpOverlappedS, c]);
        expect(quick.actDense).toBe(built.actDense);
      }
    }
  });
});
