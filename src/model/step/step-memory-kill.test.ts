import { describe, expect, it } from 'vitest';
import { parseSpecValue } from '../../spec/index.js';
import { GIB } from '../constants.js';
import { defaultEfficiency, layerPhase, type LayerPhase } from '../layer/layer-phase.js';
import { newScheduleOut } from '../schedule/schedule.js';
import { newStageLoad, type StageLoad } from './stages.js';
import { stepMemory, type StepMemory } from './step-memory.js';

// stepMemory from a hand-made stage layout and layer phase (round parameter counts and
// activation bytes), so each device's bytes can be worked out by hand:
// tp 2, cp 2, ep 4, dp 8: dense state sharded over dp·cp = 16, experts over dp·cp·tp/ep = 8.
// BF16 weights (2 B), FP32 main gradients (4 B), FP32 master weights + Adam moments (12 B).
const r = parseSpecValue({ model: 'mixtral-8x7b', system: { gpu: 'h100-sxm', gpus: 1024 }, training: { seqLen: 4096, globalBatch: 512 } }, undefined, [], { planOptional: true });
if (!r.ok) throw new Error(JSON.stringify(r.issues));
const s = r.spec;
const L0 = layerPhase({ model: s.model, system: s.system, training: s.training }, { tp: 2, cp: 2, ep: 4, microBatch: 1, sequenceParallel: true, recompute: 'none', tpCommOverlap: true }, defaultEfficiency(s.system.gpu));
// 1000 tokens, vocab 500, hidden 100, SP over tp 2: logits (FP32 + BF16, 6 B) 1000·500/2·6 = 1.5e6 B,
// the stage's received input 2·1000·100/2 = 1e5 B; activations per layer 1e6 (dense), 3e6 (MoE).
function phase(keepGathered = false, fp8 = false): LayerPhase {
  return {
    ...L0,
    spec: { ...L0.spec, model: { ...L0.spec.model, vocab: 500, hidden: 100 } },
    tokens: 1000, spDiv: 2, fp8, actDense: 1e6, actMoe: 3e6, actRecomputeLayer: 5e5,
    stack: { ...L0.stack, optimizerBytes: 12, sharded: { ...L0.stack.sharded, keepGatheredWithPipeline: keepGathered } },
  };
}
const LOGITS = 1.5e6;
const WS = 2.5 * GIB;

function stages(dense: number[], expert: number[], layers: number[], denseLayers: number[], twoStages = false): StageLoad {
  const st = newStageLoad();
  st.pp = dense.length;
  st.twoStages = twoStages;
  st.denseParams.set(dense);
  st.expertParams.set(expert);
  st.layers.set(layers);
  st.denseLayers.set(denseLayers);
  return st;
}
function sched(inFlight: number[]) {
  const o = newScheduleOut();
  o.inFlight.set(inFlight);
  return o;
}
const blank = (): StepMemory => ({ weightsBytes: 0, gradBytes: 0, optimBytes: 0, activationBytes: 0, workspaceBytes: 0, totalBytes: 0, heavyDevice: 0, memLayers: 0, inFlight: 0 });

// Two devices: device 0 has 1e9 dense + 4e9 expert parameters, 3 layers (1 dense), 2 micro-batches
// in flight; device 1 (the LM head) 2e9 + 8e9, 5 MoE layers, 1 in flight. Device 1 needs the most.
//   activations d0: (1·1e6 + 2·3e6 + 1e5)·2 + 5e5 = 1.47e7;  d1: (5·3e6 + 1e5)·1 + 5e5 = 1.56e7
const two = () => stages([1e9, 2e9], [4e9, 8e9], [3, 5], [1, 0]);
const run = (zero: number, L = phase(), st = two(), inFlight = [2, 1]) => stepMemory(L, st, 8, zero, 4, sched(inFlight), blank());
const ACT1 = 1.56e7;
const total = (m: StepMemory) => m.weightsBytes + m.gradBytes + m.optimBytes + m.activationBytes + m.workspaceBytes;

describe('stepMemory per ZeRO stage (device 1: 2e9 replicated + 8e9 expert parameters)', () => {
  it('ZeRO-0: everything replicated; workspace = 2.5 GiB + 8% of the activations + the head\'s logits', () => {
    const out = blank();
    const m = stepMemory(phase(), two(), 8, 0, 4, sched([2, 1]), out);
    expect(m).toBe(out);
    expect(m.heavyDevice).toBe(1);
    expect(m.memLayers).toBe(5);
    expect(m.inFlight).toBe(1);
    expect(m.weightsBytes).toBeCloseTo(2 * 1e10, 0);
    expect(m.gradBytes).toBeCloseTo(4 * 1e10, 0);
    expect(m.optimBytes).toBeCloseTo(12 * 1e10, 0);
    expect(m.activationBytes).toBeCloseTo(ACT1, 3);
    expect(m.workspaceBytes).toBeCloseTo(WS + 0.08 * ACT1 + LOGITS, 3);
    expect(m.totalBytes).toBeCloseTo(total(m), 0);
  });

  it('ZeRO-1 shards the optimizer state: 2e9·12/16 + 8e9·12/8', () => {
    const m = run(1);
    expect(m.weightsBytes).toBeCloseTo(2e10, 0);
    expect(m.gradBytes).toBeCloseTo(4e10, 0);
    expect(m.optimBytes).toBeCloseTo(1.5e9 + 1.2e10, 0);
    expect(m.workspaceBytes).toBeCloseTo(WS + 0.08 * ACT1 + LOGITS, 3);
  });

  it('ZeRO-2 also the gradients: 2e9·4/16 + 8e9·4/8', () => {
    const m = run(2);
    expect(m.weightsBytes).toBeCloseTo(2e10, 0);
    expect(m.gradBytes).toBeCloseTo(5e8 + 4e9, 0);
    expect(m.optimBytes).toBeCloseTo(1.35e10, 0);
  });

  it('ZeRO-3 also the weights (2e9·2/16 + 8e9·2/8), and gathers two layers\' worth: 4·1e10/5 layers', () => {
    const m = run(3);
    expect(m.weightsBytes).toBeCloseTo(2.5e8 + 2e9, 0);
    expect(m.gradBytes).toBeCloseTo(4.5e9, 0);
    expect(m.optimBytes).toBeCloseTo(1.35e10, 0);
    expect(m.workspaceBytes).toBeCloseTo(WS + 0.08 * ACT1 + LOGITS + 8e9, 3);
    expect(m.totalBytes).toBeCloseTo(total(m), 0);
  });

  it('ZeRO-3 on a one-layer stage gathers 4 B per parameter of it', () => {
    const m = stepMemory(phase(), stages([1e9], [0], [1], [1]), 8, 3, 4, sched([1]), blank());
    // 1 dense layer, 1 in flight: (1e6 + 1e5) + 5e5 activations; the only device holds the head.
    expect(m.activationBytes).toBeCloseTo(1.6e6, 3);
    expect(m.workspaceBytes).toBeCloseTo(WS + 0.08 * 1.6e6 + LOGITS + 4e9, 3);
  });
});

describe('stepMemory: weights kept gathered under PP, FP8 copies', () => {
  it('torchtitan keeps a ZeRO-3 stage\'s weights gathered with pipeline parallelism: the full BF16 weights', () => {
    const m = run(3, phase(true));
    // 2.25e9 sharded + 2e9·(2 − 0.125) + 8e9·(2 − 0.25) = 2e10
    expect(m.weightsBytes).toBeCloseTo(2e10, 0);
    // Without the stack flag, or without a pipeline, the shards only.
    expect(run(3, phase(false)).weightsBytes).toBeCloseTo(2.25e9, 0);
    const pp1 = stepMemory(phase(true), stages([1e9], [4e9], [3], [1]), 8, 3, 4, sched([1]), blank());
    expect(pp1.weightsBytes).toBeCloseTo(1e9 * 2 / 16 + 4e9 * 2 / 8, 0);
    // ZeRO-2 never regathers.
    expect(run(2, phase(true)).weightsBytes).toBeCloseTo(2e10, 0);
  });

  it('FP8 adds one byte per weight held: half the BF16 weight bytes, sharded alike', () => {
    expect(run(0, phase(false, true)).weightsBytes).toBeCloseTo(2e10 * 1.5, 0);
    expect(run(3, phase(false, true)).weightsBytes).toBeCloseTo(2.25e9 * 1.5, 0);
  });
});

describe('stepMemory: which device is reported, and the LM head\'s logits', () => {
  it('the heaviest device wins even when it comes first (device 0 with 2 micro-batches in flight)', () => {
    const m = run(0, phase(), stages([2e9, 1e9], [8e9, 4e9], [5, 3], [0, 1]), [3, 1]);
    expect(m.heavyDevice).toBe(0);
    expect(m.memLayers).toBe(5);
    expect(m.inFlight).toBe(3);
    // (5·3e6 + 1e5)·3 + 5e5, no logits on device 0 without DualPipe
    expect(m.activationBytes).toBeCloseTo(4.58e7, 3);
    expect(m.workspaceBytes).toBeCloseTo(WS + 0.08 * 4.58e7, 3);
  });

  // DualPipe, pp 4, dense only (2 layers a device): device d holds stages d and 3 − d, so devices 0 and 3
  // hold the head. Per micro-batch (2·1e6)/2 + 1e5 per stage, both stages: 1.1e6·2·1 + 5e5 = 2.7e6.
  const dual = (dense: number[]) => stepMemory(phase(), stages(dense, [0, 0, 0, 0], [2, 2, 2, 2], [2, 2, 2, 2], true), 8, 0, 4, sched([1, 1, 1, 1]), blank());
  it('DualPipe: device 0 holds the head too; a middle device does not', () => {
    const first = dual([5e9, 1e9, 1e9, 1e9]);
    expect(first.heavyDevice).toBe(0);
    expect(first.activationBytes).toBeCloseTo(2.7e6, 3);
    expect(first.workspaceBytes).toBeCloseTo(WS + 0.08 * 2.7e6 + LOGITS, 3);
    const middle = dual([1e9, 5e9, 1e9, 1e9]);
    expect(middle.heavyDevice).toBe(1);
    expect(middle.workspaceBytes).toBeCloseTo(WS + 0.08 * 2.7e6, 3);
    // Devices 0 and 3 tie (both hold the head): the first is reported.
    const tie = dual([1e9, 1e9, 1e9, 1e9]);
    expect(tie.heavyDevice).toBe(0);
    expect(tie.workspaceBytes).toBeCloseTo(WS + 0.08 * 2.7e6 + LOGITS, 3);
    const last = dual([1e9, 1e9, 1e9, 5e9]);
    expect(last.heavyDevice).toBe(3);
    expect(last.workspaceBytes).toBeCloseTo(WS + 0.08 * 2.7e6 + LOGITS, 3);
  });
});
