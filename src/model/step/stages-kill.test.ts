import { describe, expect, it } from 'vitest';
import { parseSpecValue } from '../../spec/index.js';
import { defaultEfficiency, layerPhase, type LayerPhase } from '../layer/layer-phase.js';
import { newStageLoad, stageLayers, stageLoad, type StageLoad } from './stages.js';

// stageLoad on a hand-made layer phase with round numbers: 7 layers (the first 2 dense), a dense
// layer 1 s, an MoE layer 2 s, embedding 0.5 s, LM head 0.25 s, send/recv 0.01 s; parameters per
// layer: attention 10, dense MLP 20, MoE non-expert 3, experts 40; vocab·hidden 100; tp 2, ep 4.
// Exposed EP per layer 0.1 s (dense) / 0.3 s (MoE), all EP 0.2 s / 0.5 s.
const r = parseSpecValue({ model: 'mixtral-8x7b', system: { gpu: 'h100-sxm', gpus: 1024 }, training: { seqLen: 4096, globalBatch: 512 } }, undefined, [], { planOptional: true });
if (!r.ok) throw new Error(JSON.stringify(r.issues));
const s = r.spec;
const L0 = layerPhase({ model: s.model, system: s.system, training: s.training }, { tp: 2, cp: 2, ep: 4, microBatch: 1, sequenceParallel: true, recompute: 'none', tpCommOverlap: true }, defaultEfficiency(s.system.gpu));
const L: LayerPhase = {
  ...L0,
  spec: { ...L0.spec, model: { ...L0.spec.model, layers: 7, vocab: 10, hidden: 10 } },
  lp: { ...L0.lp, tp: 2, ep: 4 },
  nDense: 2, denseLayerS: 1, moeLayerS: 2, embedS: 0.5, headS: 0.25,
  attnParams: 10, denseMlpParams: 20, moeDenseParams: 3, moeExpertParams: 40,
  dense: { ...L0.dense, epS: 0.1, epRawS: 0.2 }, moe: { ...L0.moe, epS: 0.3, epRawS: 0.5 },
  fwdShare: 0.25, weightShare: 0.5, commSmShare: 0.1,
};
const C = 0.01;
const arr = (a: Float64Array, n: number) => Array.from(a.subarray(0, n));
function close(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(x, `[${i}]`).toBeCloseTo(b[i] as number, 12));
}

describe('stageLayers: the even layout', () => {
  it('pp 1 holds everything; the first stage gets ⌊L/pp⌋, the middle ones take the remainder', () => {
    expect(stageLayers(7, 1, 0)).toBe(7);
    expect([0, 1, 2, 3].map((i) => stageLayers(6, 4, i))).toEqual([1, 2, 2, 1]);
    expect([0, 1, 2, 3].map((i) => stageLayers(8, 4, i))).toEqual([2, 2, 2, 2]);
  });
  it('the last stage gets one more only when every middle stage already has one more (remainder pp − 1)', () => {
    expect([0, 1, 2, 3].map((i) => stageLayers(7, 4, i))).toEqual([1, 2, 2, 2]);
    expect([0, 1, 2].map((i) => stageLayers(5, 3, i))).toEqual([1, 2, 2]);
    expect([0, 1, 2].map((i) => stageLayers(4, 3, i))).toEqual([1, 2, 1]);
  });
});

// pp 4: layers [1, 2, 2, 2], dense [1, 1, 0, 0].
//   stage s: 1 + 0.5 + C | 1 + 2 + C | 4 + C | 4 + 0.25 + C
//   replicated params /tp: (10 + 20 + 100)/2 = 65 | (20 + 20 + 3)/2 = 21.5 | (20 + 6)/2 = 13 | (20 + 6 + 100)/2 = 63
//   experts /ep: 0 | 10 | 20 | 20
//   exposed EP + send/recv: 0.1 + C | 0.4 + C | 0.6 + C | 0.6 + C;  all EP: 0.2 | 0.7 | 1 | 1
describe('stageLoad: one stage per device', () => {
  it('per-device layers, parameters and times; the last device is critical, the first and last hold the embedding', () => {
    const st = stageLoad(L, 4, C, false, newStageLoad());
    expect(st.pp).toBe(4);
    expect(st.twoStages).toBe(false);
    expect(arr(st.layers, 4)).toEqual([1, 2, 2, 2]);
    expect(arr(st.denseLayers, 4)).toEqual([1, 1, 0, 0]);
    close(arr(st.denseParams, 4), [65, 21.5, 13, 63]);
    close(arr(st.expertParams, 4), [0, 10, 20, 20]);
    close(arr(st.stageS, 4), [1.51, 3.01, 4.01, 4.26]);
    close(arr(st.commS, 4), [0.11, 0.41, 0.61, 0.61]);
    close(arr(st.epRawS, 4), [0.2, 0.7, 1, 1]);
    expect(st.criticalS).toBeCloseTo(4.26, 12);
    expect(st.critDevice).toBe(3);
    expect(st.critLayers).toBe(2);
    expect(st.critDense).toBe(0);
    expect(st.avgStageS).toBeCloseTo((1.51 + 3.01 + 4.01 + 4.26) / 4, 12);
    expect(st.layersPerStage).toBe(2);
    expect(st.firstLayers).toBe(1);
    expect(st.lastLayers).toBe(2);
    expect(st.heavyDense).toBeCloseTo(63, 12);
    expect(st.heavyExpert).toBeCloseTo(20, 12);
    // Forward a quarter, weight gradients a half, input gradients the rest; the overlapped pair
    // is the stage less its exposed communication plus 10% of all EP.
    close(arr(st.fS, 4), [1.51, 3.01, 4.01, 4.26].map((t) => t / 4));
    close(arr(st.wS, 4), [1.51, 3.01, 4.01, 4.26].map((t) => t / 2));
    close(arr(st.bS, 4), [1.51, 3.01, 4.01, 4.26].map((t) => t / 4));
    close(arr(st.fbS, 4), [1.51 - 0.11 + 0.02, 3.01 - 0.41 + 0.07, 4.01 - 0.61 + 0.1, 4.26 - 0.61 + 0.1]);
  });

  it('pp 1: no send/recv, everything on one device, DualPipe\'s folding does not apply', () => {
    const st = stageLoad(L, 1, C, true, newStageLoad());
    expect(st.twoStages).toBe(false);
    expect(st.layers[0]).toBe(7);
    expect(st.denseLayers[0]).toBe(2);
    expect(st.critLayers).toBe(7);
    expect(st.critDense).toBe(2);
    // 2·1 + 5·2 + 0.5 + 0.25
    expect(st.stageS[0]).toBeCloseTo(12.75, 12);
    expect(st.commS[0]).toBeCloseTo(2 * 0.1 + 5 * 0.3, 12);
    expect(st.denseParams[0]).toBeCloseTo((7 * 10 + 2 * 20 + 5 * 3 + 2 * 100) / 2, 12);
    expect(st.expertParams[0]).toBeCloseTo((5 * 40) / 4, 12);
  });
});

describe('stageLoad: DualPipe, device d holds stages d and 3 − d', () => {
  const check = (st: StageLoad) => {
    expect(st.twoStages).toBe(true);
    expect(arr(st.layers, 4)).toEqual([3, 4, 4, 3]);
    expect(arr(st.denseLayers, 4)).toEqual([1, 1, 1, 1]);
    close(arr(st.denseParams, 4), [128, 34.5, 34.5, 128]);
    close(arr(st.expertParams, 4), [20, 30, 30, 20]);
    // Times averaged over the two stages (half the micro-batches each).
    close(arr(st.stageS, 4), [2.885, 3.51, 3.51, 2.885]);
    close(arr(st.commS, 4), [0.36, 0.51, 0.51, 0.36]);
    close(arr(st.epRawS, 4), [0.6, 0.85, 0.85, 0.6]);
    // The first of the two busiest devices is critical; one stage's layers are reported.
    expect(st.criticalS).toBeCloseTo(3.51, 12);
    expect(st.critDevice).toBe(1);
    expect(st.critLayers).toBe(2);
    expect(st.critDense).toBe(0.5);
    expect(st.heavyDense).toBeCloseTo(128, 12);
    expect(st.heavyExpert).toBeCloseTo(20, 12);
    expect(st.layersPerStage).toBe(4);
    expect(st.firstLayers).toBe(3);
    expect(st.lastLayers).toBe(3);
    expect(st.fbS[1]).toBeCloseTo(3.51 - 0.51 + 0.085, 12);
  };
  it('parameters of both stages, averaged times', () => {
    check(stageLoad(L, 4, C, true, newStageLoad()));
  });
  it('the cached layout is recomputed when only twoStages changes', () => {
    const out = newStageLoad();
    stageLoad(L, 4, C, false, out);
    expect(out.stageS[3]).toBeCloseTo(4.26, 12);
    check(stageLoad(L, 4, C, true, out));
    const again = stageLoad(L, 4, C, false, out);
    expect(again.twoStages).toBe(false);
    expect(again.layers[0]).toBe(1);
  });
  it('the cached layout is recomputed when send/recv changes, reused when nothing does', () => {
    const out = newStageLoad();
    stageLoad(L, 4, C, false, out);
    out.criticalS = -1; // a reused result keeps it
    expect(stageLoad(L, 4, C, false, out).criticalS).toBe(-1);
    expect(stageLoad(L, 4, 0.02, false, out).criticalS).toBeCloseTo(4.27, 12);
  });
});

describe('newStageLoad', () => {
  it('starts empty, single-staged, with a key no layout matches', () => {
    const st = newStageLoad(3);
    expect(st).toMatchObject({ pp: 0, layersPerStage: 0, criticalS: 0, critDevice: 0, heavyDense: 0, heavyExpert: 0, twoStages: false });
    expect(st.key).toEqual({ L: undefined, pp: 0, commPerMbS: -1, twoStages: false });
    expect(st.layers).toEqual(new Float64Array(3));
    expect(st.fbS.length).toBe(3);
    expect(newStageLoad().layers.length).toBe(128);
  });
});

describe('stageLoad: the per-device arrays grow on demand', () => {
  it('to the larger of pp and twice their length', () => {
    const grow3 = stageLoad(L, 3, C, false, newStageLoad(2));
    expect(grow3.layers.length).toBe(4);
    expect(grow3.fbS.length).toBe(4);
    expect(arr(grow3.layers, 3)).toEqual([2, 3, 2]);
    const grow5 = stageLoad(L, 5, C, false, newStageLoad(2));
    expect(grow5.stageS.length).toBe(5);
    expect(arr(grow5.layers, 5)).toEqual([1, 2, 2, 1, 1]);
  });
});
