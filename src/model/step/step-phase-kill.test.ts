import { describe, expect, it } from 'vitest';
import { parseSpecValue } from '../../spec/index.js';
import { p2pS } from '../collectives.js';
import { defaultEfficiency, layerPhase, type LayerPhase } from '../layer/layer-phase.js';
import { bucketedExposedS } from '../network/overlap.js';
import { stragglerFraction } from '../variability/stragglers.js';
import { optimizerS } from './optimizer.js';
import { defaultSchedule, newStepParts, stepPhase } from './step-phase.js';

describe('optimizerS: FP32 master weights, moments and gradients (36 B per local parameter) at HBM speed, plus 40 kernels', () => {
  it('unsharded under ZeRO-0: 5e9·36 B / 2 TB/s + 40·10 µs', () => {
    expect(optimizerS(1e9, 4e9, 0, 16, 8, 2e12, 1e-5)).toBeCloseTo(0.09 + 4e-4, 12);
  });
  it('sharded from ZeRO-1 on: dense over its 16 shards, experts over their 8', () => {
    const want = ((1e9 / 16 + 4e9 / 8) * 36) / 2e12 + 4e-4;
    expect(optimizerS(1e9, 4e9, 1, 16, 8, 2e12, 1e-5)).toBeCloseTo(want, 12);
    expect(optimizerS(1e9, 4e9, 3, 16, 8, 2e12, 1e-5)).toBeCloseTo(want, 12);
    expect(optimizerS(0, 0, 1, 16, 8, 2e12, 1e-5)).toBeCloseTo(4e-4, 15);
  });
});

describe('defaultSchedule', () => {
  it('interleaved with virtual stages, else 1F1B', () => {
    expect(defaultSchedule(1)).toBe('1f1b');
    expect(defaultSchedule(2)).toBe('interleaved');
  });
});

// stepPhase composes the stage layout, data-parallel cost and schedule; here its figures are checked
// against the pieces it is made of (send/recv, bucketed DP overlap, optimizer, stragglers).
const r = parseSpecValue({ model: 'mixtral-8x7b', system: { gpu: 'h100-sxm', gpus: 1024 }, training: { seqLen: 4096, globalBatch: 512 } }, undefined, [], { planOptional: true });
if (!r.ok) throw new Error(JSON.stringify(r.issues));
const s = r.spec;
const L: LayerPhase = layerPhase({ model: s.model, system: s.system, training: s.training }, { tp: 2, cp: 2, ep: 4, microBatch: 1, sequenceParallel: true, recompute: 'none', tpCommOverlap: true }, defaultEfficiency(s.system.gpu));
const smShare = 20 / (s.system.gpu.smCount ?? 132);

describe('stepPhase (mixtral, tp 2, cp 2, ep 4, dp 8)', () => {
  it('pp 1 runs 1F1B whatever schedule is asked, with no send/recv and no bubble', () => {
    const o = stepPhase(L, 1, 1, 8, 1, 4, newStepParts(), 'dualpipe');
    expect(o.schedule).toBe('1f1b');
    expect(o.ppPerMbS).toBe(0);
    expect(o.criticalS).toBe(o.stage.criticalS);
    expect(o.pipelineS).toBeCloseTo(4 * o.criticalS, 12);
    expect(o.bubbleS).toBeCloseTo(0, 12);
    expect(o.scheduleHiddenS).toBeCloseTo(0, 12);
  });

  it('pp 4, 1F1B: send/recv both ways per micro-batch between neighbours tp·cp·dp = 32 ranks apart; the step adds up', () => {
    const o = stepPhase(L, 4, 1, 8, 1, 8, newStepParts());
    const pp = 2 * p2pS(L.net, (L.tokens * s.model.hidden * 2) / 2, 32, 128);
    expect(o.schedule).toBe('1f1b');
    expect(o.ppPerMbS).toBeCloseTo(pp, 15);
    expect(o.criticalS).toBeCloseTo(o.stage.criticalS - pp, 15);
    expect(o.microBatches).toBe(8);
    expect(o.bubbleS).toBeCloseTo(o.pipelineS - 8 * o.stage.criticalS, 12);
    expect(o.bubbleS).toBeGreaterThan(0);
    expect(o.scheduleHiddenS).toBeCloseTo(0, 12);
    expect(o.optimizerS).toBeCloseTo(optimizerS(o.heavyDense, o.heavyExpert, 1, 16, 8, L.hbmBps, L.eff.kernelS), 15);
    expect(o.stragglerS).toBeCloseTo(stragglerFraction(2 * 2 * 4 * 8) * (8 * o.criticalS + o.bubbleS), 15);
    // Gradients reduce behind 2/3 of the last micro-batch and half the bubble, parameters gather behind 1/3 and the other half.
    const d = o.dpc;
    const dpo = L.eff.dpOverlap;
    const exposed = bucketedExposedS(d.gradSyncS, dpo * ((o.criticalS * 2) / 3 + o.bubbleS / 2), d.buckets) + bucketedExposedS(d.paramGatherS, dpo * (o.criticalS / 3 + o.bubbleS / 2), d.buckets);
    expect(o.dpCommS).toBe(d.dpCommS);
    expect(o.dpHiddenS).toBeCloseTo(d.dpCommS - exposed, 15);
    expect(o.dpHiddenS).toBeGreaterThan(0);
    expect(o.dpExposedS).toBeCloseTo(exposed + o.dpHiddenS * smShare, 15);
    expect(o.zeroPerMbS).toBe(d.zeroPerMbS);
    expect(o.zeroHiddenPerMbS).toBe(d.zeroHiddenPerMbS);
    expect(o.stepTimeS).toBeCloseTo(o.pipelineS + 8 * o.zeroPerMbS + o.dpExposedS + o.optimizerS + o.stragglerS, 12);
    expect(o.critLayers).toBe(o.stage.critLayers);
    expect(o.critMoe).toBe(o.stage.critLayers - o.stage.critDense);
    expect(o.heavyDense).toBe(o.stage.heavyDense);
    expect(o.heavyExpert).toBe(o.stage.heavyExpert);
  });

  it('behind a 50 Gb/s NIC the DP buckets outlast their windows: exposed is the traffic less the window (all but the last bucket\'s share of it)', () => {
    const slow = parseSpecValue({ model: 'mixtral-8x7b', system: { gpu: 'h100-sxm', gpus: 1024, scaleOutGbpsPerGpu: 50 }, training: { seqLen: 4096, globalBatch: 512 } }, undefined, [], { planOptional: true });
    if (!slow.ok) throw new Error(JSON.stringify(slow.issues));
    const { smCount: _sm, ...gpu } = slow.spec.system.gpu;
    // A GPU without an SM count: 132 (H100's) assumed.
    const system = { ...slow.spec.system, gpu };
    const Ls = layerPhase({ model: slow.spec.model, system, training: slow.spec.training }, L.lp, defaultEfficiency(slow.spec.system.gpu));
    const o = stepPhase(Ls, 4, 1, 8, 1, 8, newStepParts());
    const d = o.dpc;
    const u = d.buckets;
    expect(Ls.eff.dpOverlap).toBe(1);
    const gradWindow = (o.criticalS * 2) / 3 + o.bubbleS / 2;
    const gatherWindow = o.criticalS / 3 + o.bubbleS / 2;
    const grad = d.gradSyncS - gradWindow * (1 - 1 / u);
    const gather = d.paramGatherS - gatherWindow * (1 - 1 / u);
    expect(grad).toBeGreaterThan(d.gradSyncS / u);
    expect(gather).toBeGreaterThan(d.paramGatherS / u);
    expect(o.dpHiddenS).toBeCloseTo(d.dpCommS - grad - gather, 12);
    expect(o.dpExposedS).toBeCloseTo(grad + gather + o.dpHiddenS * (20 / 132), 12);
  });

  it('leading dense layers (2 of 32 on one device): the MoE layers among the critical ones', () => {
    const o = stepPhase({ ...L, nDense: 2, nMoe: 30 }, 1, 1, 8, 1, 4, newStepParts());
    expect(o.critLayers).toBe(32);
    expect(o.critMoe).toBe(30);
  });

  it('interleaved (vpp 2) sends twice as often', () => {
    const one = stepPhase(L, 4, 1, 8, 1, 8, newStepParts());
    const two = stepPhase(L, 4, 2, 8, 1, 8, newStepParts());
    expect(two.schedule).toBe('interleaved');
    expect(two.ppPerMbS).toBeCloseTo(2 * one.ppPerMbS, 15);
  });

  it('a stack that reduces after the pipeline flush hides no data-parallel traffic', () => {
    const flush: LayerPhase = { ...L, stack: { ...L.stack, gradSync: { ...L.stack.gradSync, when: 'after-flush' } } };
    const o = stepPhase(flush, 4, 1, 8, 1, 8, newStepParts());
    expect(o.dpHiddenS).toBeCloseTo(0, 15);
    expect(o.dpExposedS).toBeCloseTo(o.dpCommS, 15);
  });

  it('DualPipe paces at the overlapped pair when it is shorter than a micro-batch; what it hides is reported', () => {
    const o = stepPhase(L, 4, 1, 8, 1, 16, newStepParts(), 'dualpipe');
    expect(o.schedule).toBe('dualpipe');
    const st = o.stage;
    const pair = Math.max(...Array.from(st.fbS.subarray(0, 4)));
    expect(pair).toBeLessThan(st.criticalS);
    expect(o.bubbleS).toBeCloseTo(o.pipelineS - 16 * pair, 12);
    expect(o.pipelineS - 16 * st.criticalS).toBeLessThan(o.bubbleS);
    expect(o.scheduleHiddenS).toBeCloseTo(16 * st.criticalS + o.bubbleS - o.pipelineS, 12);
    expect(o.scheduleHiddenS).toBeGreaterThan(0);
  });
});
