import { describe, expect, it } from 'vitest';
import { moeLoadFactor } from '../variability/moe-imbalance.js';
import { EW, GQA, MLA, MOE, ctx, plan } from './_test-layer-ctx.js';
import { layerCompute } from './layer-cost.js';

// One layer's compute on toy models (_test-layer-ctx.ts) with a linear GEMM clock: a GEMM's time is
// its forward FLOPs ÷ peak, its backward twice that. Each case isolates one family of terms:
// GEMMs (hbm = ∞), element-wise bytes (peak = ∞, hbm = 1 B/s, so seconds = bytes) or kernels.
// T = 4 tokens, tp = 2 unless said.
const T = 4;
const INF = Infinity;

// GQA forward GEMM FLOPs, tp 2: QKV 2·T·(16/2)·8 = 512, output 2·T·8·(8/2) = 256, MLP up
// 2·T·(2·16/2)·8 = 1024, MLP down 2·T·8·(16/2) = 512.
const GQA_FWD = 2 * T * 8 * 8 + 2 * T * 8 * 4 + 2 * T * 16 * 8 + 2 * T * 8 * 8; // 2304
// GQA element-wise bytes (EW weights, SP on: spDiv 2): norms+residuals 1·10·T·8·2/2 = 320, RoPE
// 3·2·T·(4+2)·2·2/2 = 288, activation 5·3·T·16·2/2 = 960.
const GQA_EW = 320 + 288 + 960;

describe('layerCompute: dense GQA layer, GEMMs', () => {
  it('times forward, backward and weight-gradient GEMMs and counts their FLOPs', () => {
    const r = layerCompute(ctx(GQA, plan(), { peak: 2, hbm: INF }), false);
    expect(GQA_FWD).toBe(2304);
    expect(r.fwdS).toBe(GQA_FWD / 2);
    expect(r.bwdS).toBe(GQA_FWD);
    expect(r.bwdWeightS).toBe(GQA_FWD / 2);
    expect(r.hwFlops).toBe(3 * GQA_FWD);
    expect(r.kernelS).toBe(0);
    expect(r.moe).toBe(false);
    expect(r.loadFactor).toBe(1);
    expect(r.imbalanceS).toBe(0);
  });
  it('a two-matrix MLP has one up-projection', () => {
    const r = layerCompute(ctx({ ...GQA, gatedMlp: false }, plan(), { peak: 1, hbm: INF }), false);
    // MLP up 2·T·(16/2)·8 = 512 instead of 1024
    expect(r.fwdS).toBe(GQA_FWD - 512);
  });
  it('adds the attention core: 3× its forward FLOPs, its forward and backward time', () => {
    const attn = { fwdFlops: 1000, fwdS: 10, bwdS: 30 };
    const r = layerCompute(ctx(GQA, plan(), { peak: 2, hbm: INF, attn }), false);
    expect(r.fwdS).toBe(GQA_FWD / 2 + 10);
    expect(r.bwdS).toBe(GQA_FWD + 30);
    expect(r.hwFlops).toBe(3 * GQA_FWD + 3000);
  });
});

describe('layerCompute: element-wise bytes', () => {
  it('GQA with SP: norms, RoPE, activation; backward moves twice the forward', () => {
    const r = layerCompute(ctx(GQA, plan(), { peak: INF, hbm: 1 }), false);
    expect(r.fwdS).toBe(GQA_EW);
    expect(r.bwdS).toBe(2 * GQA_EW);
    expect(r.hwFlops).toBe(3 * GQA_FWD); // FLOPs are counted even when GEMMs take no time
  });
  it('GQA without SP: norms and residuals on every token', () => {
    const r = layerCompute(ctx(GQA, plan({ sequenceParallel: false }), { peak: INF, hbm: 1 }), false);
    expect(r.fwdS).toBe(640 + 288 + 960);
  });
  it('GQA in FP8: a cast of every GEMM input', () => {
    const r = layerCompute(ctx(GQA, plan(), { peak: INF, hbm: 1, fp8: true, stack: { fp8CastBytes: 7 } }), false);
    // cast elements per token: h/tp 4 + QKV input 8/2 + output input 8/2 = 12 -> 7·T·12 = 336;
    // MLP inputs 7·T·(8+16)/2 = 336
    expect(r.fwdS).toBe(GQA_EW + 336 + 336);
    expect(r.bwdS).toBe(2 * (GQA_EW + 672)); // gemm-inputs cache: nothing replayed
  });
  it('casts BF16 weights every micro-batch where the stack keeps no FP8 copy', () => {
    const stack = { elementwise: { normResidual: 0, rope: 0, activation: 0, kernels: 0 }, fp8WeightCastPerMicroBatch: true };
    // weight elements (fwd FLOPs ÷ 2T): 8·8 + 8·4 + 16·8 + 8·8 = 288; 4 B each
    expect(GQA_FWD / 2 / T).toBe(288);
    expect(layerCompute(ctx(GQA, plan(), { peak: INF, hbm: 1, fp8: true, stack }), false).fwdS).toBe(4 * 288);
    // BF16 runs cast nothing
    expect(layerCompute(ctx(GQA, plan(), { peak: INF, hbm: 1, fp8: false, stack }), false).fwdS).toBe(0);
  });
  it('MLA with SP: RoPE on its RoPE parts, latent norms, casts of each projection input', () => {
    const r = layerCompute(ctx(MLA, plan(), { peak: INF, hbm: 1, fp8: true, stack: { fp8CastBytes: 7 } }), false);
    const norms = (10 * T * 8 * 2) / 2; // 320
    const rope = 3 * 2 * T * ((2 * 2) / 2 + 2) * 2; // 192
    const latentNorms = (1 * 2 * T * (4 + 2) * 2) / 2; // 48
    // h/tp 4 + q-down 8/spDiv 4 + q-up 4/tp 2 + kv-down 8/spDiv 4 + kv-up 2/tp 1 + output 4/tp 2 = 17
    const casts = 7 * T * 17;
    const mlp = (5 * 3 * T * 16 * 2) / 2 + (7 * T * (8 + 16)) / 2;
    expect(r.fwdS).toBe(norms + rope + latentNorms + casts + mlp);
  });
  it('MLA without SP: the unsplit projections cast their whole input', () => {
    const r = layerCompute(ctx(MLA, plan({ sequenceParallel: false }), { peak: INF, hbm: 1, fp8: true, stack: { fp8CastBytes: 7 } }), false);
    const norms = 10 * T * 8 * 2; // 640
    const rope = 3 * 2 * T * ((2 * 2) / 2 + 2) * 2; // 192 (RoPE is split by tp, not SP)
    const latentNorms = 1 * 2 * T * (4 + 2) * 2; // 96
    const casts = 7 * T * (4 + 8 + 2 + 8 + 1 + 2); // 25 elements per token
    const mlp = (5 * 3 * T * 16 * 2) / 2 + (7 * T * (8 + 16)) / 2;
    expect(r.fwdS).toBe(norms + rope + latentNorms + casts + mlp);
  });
});

// MLA forward GEMM FLOPs, tp 2, spDiv s: q-down 2·(T/s)·4·8, q-up 2·T·(8/2)·4 = 128,
// kv-down 2·(T/s)·4·8, kv-up 2·T·(8/2)·2 = 64, output 2·T·8·(4/2) = 128, MLP 1024 + 512.
const mlaFwd = (s: number): number => (2 * (T / s) * 4 * 8) * 2 + 128 + 64 + 128 + 1536;
const UP = 128 + 64; // the up-projections' forward FLOPs

describe('layerCompute: MLA GEMMs and recomputation', () => {
  it('splits the down-projections by SP only, the others by tp', () => {
    expect(layerCompute(ctx(MLA, plan({ sequenceParallel: false }), { peak: 1, hbm: INF }), false).fwdS).toBe(mlaFwd(1));
    expect(mlaFwd(1)).toBe(2368);
    expect(layerCompute(ctx(MLA, plan(), { peak: 1, hbm: INF }), false).fwdS).toBe(mlaFwd(2));
    expect(mlaFwd(2)).toBe(2112);
  });
  const attn = { fwdFlops: 1000, fwdS: 10, bwdS: 30 };
  const p0 = { sequenceParallel: false } as const;
  it('none: no replay', () => {
    const r = layerCompute(ctx(MLA, plan({ ...p0, recompute: 'none' }), { peak: 2, hbm: INF, attn }), false);
    expect(r.fwdS).toBe(mlaFwd(1) / 2 + 10);
    expect(r.bwdS).toBe(mlaFwd(1) + 30);
    expect(r.hwFlops).toBe(3 * mlaFwd(1) + 3000);
  });
  it('selective, unfused attention: replays the attention core and the up-projections', () => {
    const r = layerCompute(ctx(MLA, plan({ ...p0, recompute: 'selective' }), { peak: 2, hbm: INF, attn, unfused: true }), false);
    expect(r.fwdS).toBe(mlaFwd(1) / 2 + 10);
    expect(r.bwdS).toBe(mlaFwd(1) + 30 + 10 + UP / 2);
    expect(r.hwFlops).toBe(3 * mlaFwd(1) + 3000 + 1000 + UP);
  });
  it('selective, flash attention: replays the up-projections (and half the element-wise forward)', () => {
    const r = layerCompute(ctx(MLA, plan({ ...p0, recompute: 'selective' }), { peak: 2, hbm: INF, attn }), false);
    expect(r.bwdS).toBe(mlaFwd(1) + 30 + UP / 2);
    expect(r.hwFlops).toBe(3 * mlaFwd(1) + 3000 + UP);
  });
  it('full: replays the whole forward', () => {
    const r = layerCompute(ctx(MLA, plan({ ...p0, recompute: 'full' }), { peak: 2, hbm: INF, attn }), false);
    const fwd = mlaFwd(1) / 2 + 10;
    expect(r.fwdS).toBe(fwd);
    expect(r.bwdS).toBe(mlaFwd(1) + 30 + fwd);
    expect(r.hwFlops).toBe(3 * mlaFwd(1) + 3000 + mlaFwd(1) + 1000);
  });
});

describe('layerCompute: selective recomputation policies with element-wise work', () => {
  it('Megatron with flash attention: half the element-wise forward again', () => {
    const r = layerCompute(ctx(GQA, plan({ recompute: 'selective' }), { peak: 2, hbm: 1 }), false);
    expect(r.fwdS).toBe(GQA_FWD / 2 + GQA_EW);
    expect(r.bwdS).toBe(GQA_FWD + 2 * GQA_EW + 0.5 * GQA_EW);
    expect(r.hwFlops).toBe(3 * GQA_FWD);
  });
  it('torchtitan op-SAC: every other matmul and every element-wise op', () => {
    const r = layerCompute(ctx(GQA, plan({ recompute: 'selective' }), { peak: 2, hbm: 1, stack: { selective: 'op-sac' } }), false);
    expect(r.fwdS).toBe(GQA_FWD / 2 + GQA_EW);
    expect(r.bwdS).toBe(GQA_FWD + 2 * GQA_EW + 0.5 * (GQA_FWD / 2) + GQA_EW);
    expect(r.hwFlops).toBe(3 * GQA_FWD + (3 * GQA_FWD) / 6);
  });
  it('op-SAC only applies under selective recomputation', () => {
    const r = layerCompute(ctx(GQA, plan({ recompute: 'none' }), { peak: 2, hbm: 1, stack: { selective: 'op-sac' } }), false);
    expect(r.bwdS).toBe(GQA_FWD + 2 * GQA_EW);
  });
});

// MoE layer, tp 2, ep 2, SP on (spDiv 2), T 4: router 2·(T/2)·4·8 = 128; routed copies
// (T/tp)·topK = 4, per expert 4·2/4 = 2 over 2 local experts: up 2·2·(2·6)·8·2 = 768, down
// 2·2·8·6·2 = 384; shared (2·6 = 12 wide): up 2·T·(2·12/2)·8 = 768, down 2·T·8·(12/2) = 384.
const MOE_FWD = 768 + 128 + 768 + 384 + 768 + 384; // 3200 with the attention projections (768)
const EXPERT_FWD = 768 + 384;
// Element-wise bytes, FP8 casts of 7 B: GQA attention side 320 + 288 + casts 7·T·12 = 336;
// shared 5·3·T·12·2/2 = 720 and casts 7·T·(8+12)/2 = 280; routed 5·3·4·6·2 = 720 and casts
// 7·4·(8+6) = 392.
const MOE_EW = 320 + 288 + 336 + 720 + 280 + 720 + 392;
// Dispatch (moe-dispatch.ts), router tokens 2, tokens 2, E 4, R 4, h 8, alltoall, 2 local experts:
// router fwd 2·4·14 = 112, bwd 2·4·12 = 96; permutation 1 and combine fwd 2·4·9 + 2·2·8 + 2·4·8 +
// 4·4 + 2·4·8 + 2·2·8 = 280, bwd 2·(64 + 32) = 192; permutation 2 fwd 2·(2·2·4·8) + 2·4·4 = 288,
// bwd 256. An aux loss adds 5 B per token·expert (40), group-limited routing 8 (64).
const DISP_FWD = 112 + 280 + 288; // 680
const DISP_BWD = 96 + 192 + 256; // 544
const moeP = plan({ ep: 2 });

describe('layerCompute: MoE layer', () => {
  it('GEMMs: router, routed experts, shared experts', () => {
    const r = layerCompute(ctx(MOE, moeP, { peak: 2, hbm: INF }), true);
    expect(r.fwdS).toBe(MOE_FWD / 2);
    expect(r.bwdS).toBe(MOE_FWD);
    expect(r.hwFlops).toBe(3 * MOE_FWD);
    expect(r.moe).toBe(true);
    expect(r.loadFactor).toBe(1);
    expect(r.imbalanceS).toBe(0);
  });
  it('the dense layers of an MoE model run the dense MLP', () => {
    const r = layerCompute(ctx(MOE, moeP, { peak: 1, hbm: INF }), false);
    expect(r.moe).toBe(false);
    expect(r.fwdS).toBe(GQA_FWD);
  });
  it('element-wise bytes and the dispatch work', () => {
    const r = layerCompute(ctx(MOE, moeP, { peak: INF, hbm: 1, fp8: true, stack: { fp8CastBytes: 7 } }), true);
    expect(r.fwdS).toBe(MOE_EW + DISP_FWD);
    expect(r.bwdS).toBe(2 * MOE_EW + DISP_BWD);
  });
  it('fine-grained FP8 replays the experts\' activation function (no recomputation)', () => {
    const c = ctx(MOE, moeP, { peak: INF, hbm: 1, fp8: true, stack: { fp8CastBytes: 7, fp8Activations: 'fine-grained' } });
    const r = layerCompute(c, true);
    // swiglu bytes: shared 720 + routed 720
    expect(r.bwdS).toBe(2 * MOE_EW + DISP_BWD + 720 + 720);
    // ... nor under selective recomputation (which replays half the element-wise forward instead)
    const sel = layerCompute(ctx(MOE, plan({ ep: 2, recompute: 'selective' }), { peak: INF, hbm: 1, fp8: true, stack: { fp8CastBytes: 7, fp8Activations: 'fine-grained' } }), true);
    expect(sel.bwdS).toBe(2 * MOE_EW + DISP_BWD + 0.5 * MOE_EW);
    // ... and not in BF16
    const bf16 = layerCompute(ctx(MOE, moeP, { peak: INF, hbm: 1, fp8: false, stack: { fp8Activations: 'fine-grained' } }), true);
    const bf16Ew = 320 + 288 + 720 + 720;
    expect(bf16.bwdS).toBe(2 * bf16Ew + DISP_BWD);
  });
  it('without shared experts: no shared GEMMs, activations or casts', () => {
    const m = { ...MOE, moe: { ...MOE.moe!, sharedExperts: 0 } };
    const g = layerCompute(ctx(m, moeP, { peak: 1, hbm: INF }), true);
    expect(g.fwdS).toBe(MOE_FWD - 768 - 384);
    const e = layerCompute(ctx(m, moeP, { peak: INF, hbm: 1, fp8: true, stack: { fp8CastBytes: 7 } }), true);
    expect(e.fwdS).toBe(MOE_EW - 720 - 280 + DISP_FWD);
  });
  it('deepep: one permutation of the received tokens replaces both', () => {
    const r = layerCompute(ctx(MOE, plan({ ep: 2, epDispatch: 'deepep' }), { peak: INF, hbm: 1 }), true);
    const ew = 320 + 288 + 720 + 720;
    // router 112 / 96 and the received-token permutation 288 / 256
    expect(r.fwdS).toBe(ew + 112 + 288);
    expect(r.bwdS).toBe(2 * ew + 96 + 256);
  });
  const ew = 320 + 288 + 720 + 720; // BF16
  const ep1 = plan({ ep: 1 }); // load factor 1 whatever the balancer; 4 local experts
  it('an aux-loss balancer (the default) adds its router pass', () => {
    const { balancer: _b, ...noBalancer } = MOE.moe!;
    const aux = { ...MOE, moe: noBalancer };
    expect(layerCompute(ctx(aux, ep1, { peak: INF, hbm: 1 }), true).fwdS).toBe(ew + DISP_FWD + 40);
    const explicit = { ...MOE, moe: { ...MOE.moe!, balancer: 'aux-loss' as const } };
    expect(layerCompute(ctx(explicit, ep1, { peak: INF, hbm: 1 }), true).fwdS).toBe(ew + DISP_FWD + 40);
    const free = { ...MOE, moe: { ...MOE.moe!, balancer: 'loss-free' as const } };
    expect(layerCompute(ctx(free, ep1, { peak: INF, hbm: 1 }), true).fwdS).toBe(ew + DISP_FWD);
  });
  it('group-limited routing adds its masked top-k', () => {
    const r = layerCompute(ctx(MOE, moeP, { peak: INF, hbm: 1, routingGroups: { count: 2, topK: 1 } }), true);
    expect(r.fwdS).toBe(ew + DISP_FWD + 64);
    expect(r.bwdS).toBe(2 * ew + DISP_BWD);
  });
  it('kernels: GEMM launches (three per forward-backward), element-wise and dispatch kernels', () => {
    const stack = { elementwise: { ...EW, kernels: 5 } };
    const d = layerCompute(ctx(GQA, plan(), { peak: INF, hbm: INF, kernelS: 1, stack }), false);
    // 4 GEMMs + 5 element-wise kernels forward
    expect([d.fwdS, d.bwdS, d.kernelS]).toEqual([9, 18, 27]);
    const r = layerCompute(ctx(MOE, moeP, { peak: INF, hbm: INF, kernelS: 1, stack }), true);
    // forward: 2 attention + router + 2·2 expert + 2 shared GEMMs + 5 = 14; dispatch 7 fwd, 5 bwd
    expect([r.fwdS, r.bwdS, r.kernelS]).toEqual([14 + 7, 28 + 5, 42 + 7 + 5]);
    // group-limited routing launches 2 more router kernels forward (the group top-k, the mask)
    const g = layerCompute(ctx(MOE, moeP, { peak: INF, hbm: INF, kernelS: 1, stack, routingGroups: { count: 2, topK: 1 } }), true);
    expect([g.fwdS, g.bwdS]).toEqual([14 + 9, 28 + 5]);
  });
  it('host launches bound a layer whose kernels outrun the host', () => {
    const stack = { elementwise: { ...EW, kernels: 5 }, hostPerKernelS: 1 };
    const d = layerCompute(ctx(GQA, plan(), { peak: INF, hbm: INF, stack }), false);
    expect([d.fwdS, d.bwdS]).toEqual([10, 20]);
    const r = layerCompute(ctx(MOE, moeP, { peak: INF, hbm: INF, stack }), true);
    expect([r.fwdS, r.bwdS]).toEqual([15 + 7, 30 + 5]);
  });
  it('load imbalance: the busiest rank runs loadFactor× the expert GEMMs and re-sorts', () => {
    const lf = moeLoadFactor('aux-loss', 4, 2, 4);
    expect(lf).toBeGreaterThan(1);
    const zero = { elementwise: { normResidual: 0, rope: 0, activation: 0, kernels: 0 } };
    const r = layerCompute(ctx(MOE, moeP, { peak: 2, hbm: 1, stack: zero, moeBalancer: 'aux-loss' }), true);
    expect(r.loadFactor).toBe(lf);
    const imbF = (lf - 1) * (EXPERT_FWD / 2) + (lf - 1) * 288;
    const imbB = (lf - 1) * EXPERT_FWD + (lf - 1) * 256;
    expect(r.imbalanceS).toBeCloseTo(imbF + imbB, 9);
    expect(r.bwdS).toBeCloseTo(MOE_FWD + imbB + DISP_BWD, 9);
    const full = layerCompute(ctx(MOE, plan({ ep: 2, recompute: 'full' }), { peak: 2, hbm: 1, stack: zero, moeBalancer: 'aux-loss' }), true);
    expect(full.imbalanceS).toBeCloseTo(2 * imbF + imbB, 9);
  });
});
