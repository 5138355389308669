import { describe, expect, it } from 'vitest';
import { allToAllS, dispatchS, reduceScatterS } from '../collectives.js';
import { baseNet, ctx, GQA, MOE, plan } from './_test-layer-ctx.js';
import type { LayerCompute } from './layer-cost.js';
import { layerComm } from './layer-comm.js';

// One layer's communication, with the compute it hides behind given directly. The collective
// times themselves are the network model's (collectives.ts, tested there); these cases pin how a
// layer counts them: how many passes, of what size, and what overlap hides.
const T = 4096;
const h = 8;
const comp = (over: Partial<LayerCompute> = {}): LayerCompute => ({ fwdS: 1, bwdS: 2, bwdWeightS: 1, hwFlops: 0, kernelS: 0, moe: true, loadFactor: 1, imbalanceS: 0, ...over });
const c = (m: typeof GQA, p: ReturnType<typeof plan>, commSmShare = 0.1) => ctx(m, p, { peak: 1, hbm: 1, tokens: T, commSmShare });

describe('layerComm: tensor parallelism', () => {
  // 3 reduce-scatter-sized passes of the hidden state and one of the attention gather (hidden for GQA)
  const pass = 4 * reduceScatterS(baseNet, T * h * 2, 2, 1);
  it('twice a pass (forward, backward) without full recomputation', () => {
    expect(pass).toBeGreaterThan(0);
    expect(layerComm(c(GQA, plan({ tp: 2 })), comp({ moe: false })).tpS).toBeCloseTo(2 * pass, 15);
    expect(layerComm(c(GQA, plan({ tp: 2, recompute: 'selective' })), comp({ moe: false })).tpS).toBeCloseTo(2 * pass, 15);
  });
  it('three times with full recomputation', () => {
    expect(layerComm(c(GQA, plan({ tp: 2, recompute: 'full' })), comp({ moe: false })).tpS).toBeCloseTo(3 * pass, 15);
  });
  it('none at tp 1', () => {
    expect(layerComm(c(GQA, plan({ tp: 1 })), comp({ moe: false })).tpS).toBe(0);
  });
});

describe('layerComm: expert parallelism', () => {
  const p = plan({ tp: 2, ep: 4 });
  // all-to-all of the routed copies this GPU sends: (T/tp)·topK tokens of h BF16 values
  const a2a = allToAllS(baseNet, (T / 2) * 2 * h * 2, 4, 1);
  it('nothing for a dense layer of an MoE model', () => {
    const r = layerComm(c(MOE, p), comp({ moe: false }));
    expect([r.epS, r.epRawS, r.epOverlappedS]).toEqual([0, 0, 0]);
  });
  it('alltoall: dispatch and combine forward and backward, at the busiest rank\'s load', () => {
    expect(a2a).toBeGreaterThan(0);
    const r = layerComm(c(MOE, p), comp({ loadFactor: 1.5 }));
    expect(r.epRawS).toBeCloseTo(4 * 1.5 * a2a, 15);
    expect(r.epS).toBeCloseTo(4 * 1.5 * a2a, 15);
    expect(r.epOverlappedS).toBe(0);
  });
  it('full recomputation replays the forward pair', () => {
    const r = layerComm(c(MOE, plan({ tp: 2, ep: 4, recompute: 'full' })), comp());
    expect(r.epRawS).toBeCloseTo(6 * a2a, 15);
  });
  it('deepep: topology-aware dispatch of the tokens\' hidden states', () => {
    const d = dispatchS(baseNet, T / 2, 2, h * 2, 4, undefined);
    expect(d).toBeGreaterThan(0);
    const r = layerComm(c(MOE, plan({ tp: 2, ep: 4, epDispatch: 'deepep' })), comp());
    expect(r.epRawS).toBeCloseTo(4 * d, 15);
  });
  it('epCommOverlap behind ample compute: all hidden, slowed compute by the SM share', () => {
    const raw = 4 * a2a;
    const r = layerComm(c(MOE, plan({ tp: 2, ep: 4, epCommOverlap: true }), 0.25), comp({ fwdS: 1, bwdS: 1 }));
    expect(r.epOverlappedS).toBeCloseTo(raw, 15);
    expect(r.epS).toBeCloseTo(0.25 * raw, 15);
    expect(r.epRawS).toBeCloseTo(raw, 15);
  });
  it('epCommOverlap behind too little compute: the excess stays exposed', () => {
    const pass = a2a;
    // forward pair (2·pass) behind bwdS = pass/2, backward pair (2·pass) behind fwdS = pass
    const r = layerComm(c(MOE, plan({ tp: 2, ep: 4, epCommOverlap: true }), 0.25), comp({ fwdS: pass, bwdS: pass / 2 }));
    const exposed = 1.5 * pass + pass;
    expect(r.epOverlappedS).toBeCloseTo(4 * pass - exposed, 15);
    expect(r.epS).toBeCloseTo(exposed + 0.25 * (4 * pass - exposed), 15);
  });
});
