import type { GpuSpec } from '../../catalog/gpu.js';
import type { CpComm, ResolvedSpec } from '../../spec/types.js';
import { networkOf, type Network } from '../collectives.js';
import { COMM_SMS, DEFAULT_SM_COUNT } from '../constants.js';
import { efficiencyFor, gemmPeakTflops, type EfficiencyModel } from '../efficiency.js';
import { attentionParams, denseLayerCount, denseMlpParams, expertParams, moeLayerCount } from '../flops.js';
import { layerActivationBytes } from '../memory.js';
import { resolveStack, type ResolvedStack } from '../stack/resolve.js';
import { attentionCost } from './attention.js';
import { cpCommCost, type CpCommCost } from './cp-comm.js';
import { GemmClock } from './gemm-clock.js';
import { layerCost, type LayerCost, type LayerCtx } from './layer-cost.js';
import type { LayerPlan } from './layer-plan.js';

const effCache = new WeakMap<GpuSpec, EfficiencyModel>();
/** The GPU's default efficiency model, built once per GPU object. */
export function defaultEfficiency(gpu: GpuSpec): EfficiencyModel {
  let e = effCache.get(gpu);
  if (!e) effCache.set(gpu, (e = efficiencyFor(gpu)));
  return e;
}

/**
 * The GEMM clock of one GPU in BF16 or FP8 (FP8 only where the GPU has it): its peak, measured
 * ceiling, the shape penalty's d0 (the ridge point × gemmShapeFactor, in operand elements) and
 * the HBM roofline at the element-wise efficiency.
 */
export function gemmClockFor(gpu: GpuSpec, eff: EfficiencyModel, fp8: boolean): GemmClock {
  const peak = gemmPeakTflops(gpu, fp8 ? 'fp8' : 'bf16') * 1e12;
  const hbm = gpu.hbmTBps * 1e12;
  const operandBytes = fp8 && gpu.fp8Tflops !== undefined ? 1 : 2;
  const d0 = eff.gemmShapeFactor * (peak / hbm) * (operandBytes / 2);
  return new GemmClock(peak, operandBytes === 1 ? eff.gemmMaxFp8 : eff.gemmMaxBf16, d0, hbm * eff.hbm, operandBytes);
}

/**
 * Phase 1 of an evaluation: per-layer costs for one micro-batch on one GPU. They depend on
 * tp, cp, ep, the micro-batch, SP and recomputation, not on pp, vpp, dp, ZeRO or the schedule,
 * so plan search computes them once and reuses them across all pipeline and data-parallel
 * choices.
 */
export interface LayerPhase {
  spec: Omit<ResolvedSpec, 'parallel'>;
  lp: LayerPlan;
  eff: EfficiencyModel;
  net: Network;
  fp8: boolean;
  unfused: boolean;
  gemmPeak: number;
  hbmBps: number;
  tokens: number;
  spDiv: number;
  tpHidden: number;
  dense: LayerCost;
  moe: LayerCost;
  /** Critical-path seconds of one dense / one MoE layer (compute + exposed TP, CP, EP). */
  denseLayerS: number;
  moeLayerS: number;
  nDense: number;
  nMoe: number;
  headS: number;
  headHw: number;
  embedS: number;
  /** Activation bytes per layer per micro-batch kept for the backward (dense, MoE). */
  actDense: number;
  actMoe: number;
  /** One layer's full activations (rebuilt at a time under full recomputation). */
  actRecomputeLayer: number;
  /** Parameters per layer: attention, dense MLP, MoE non-expert (router, shared), experts. */
  attnParams: number;
  denseMlpParams: number;
  moeDenseParams: number;
  moeExpertParams: number;
  /** Shares of a layer's compute in its forward and in its weight-gradient GEMMs (the rest: input gradients, recomputation). */
  fwdShare: number;
  weightShare: number;
  /** The software stack's facts for this GPU. */
  stack: ResolvedStack;
  /** Share of the SMs overlapped communication kernels (EP, FSDP) take from the compute they hide behind. */
  commSmShare: number;
  /** The attention core's forward + backward of one layer (what a CP ring hides behind). */
  attnS: number;
}

export function layerPhase(spec: Omit<ResolvedSpec, 'parallel'>, lp: LayerPlan, eff: EfficiencyModel): LayerPhase {
  const { model: m, system, training } = spec;
  const gpu = system.gpu;
  const s = training.seqLen;
  const fp8 = training.precision === 'fp8' && gpu.fp8Tflops !== undefined;
  const gemmPeak = gemmPeakTflops(gpu, training.precision) * 1e12;
  const hbmBps = gpu.hbmTBps * 1e12 * eff.hbm;
  const net = networkOf(system, eff);
  const tokens = (lp.microBatch * s) / lp.cp;
  const spDiv = lp.sequenceParallel ? lp.tp : 1;
  const tpHidden = lp.tpCommOverlap && lp.tp > 1 ? eff.tpOverlap : 0;
  const clock = gemmClockFor(gpu, eff, fp8);
  const p = lp;
  const routingGroups = m.moe?.routingGroups !== undefined && m.moe.groupTopK !== undefined ? { count: m.moe.routingGroups, topK: m.moe.groupTopK } : undefined;
  const commSmShare = COMM_SMS / (gpu.smCount ?? DEFAULT_SM_COUNT);
  const stack = resolveStack(training, gpu);
  const unfused = stack.attention === null;
  const attn = attentionCost(m, p, s, stack.attention, eff, clock, hbmBps, gpu.bf16Tflops * 1e12);
  const ctx: LayerCtx = { m, p, eff, net, clock, seqLen: s, tokens, spDiv, fp8, hbmBps, unfused, attn, commSmShare, routingGroups, stack, moeBalancer: training.moeBalancer };
  const dense = layerCost(ctx, false);
  const moe = m.moe ? layerCost(ctx, true) : dense;
  const one = (x: LayerCost) => layerCriticalS(x, tpHidden);

  // The LM head stays in BF16 under every FP8 recipe: Megatron's output layer is not a
  // Transformer Engine module, torchtitan's Float8 conversion skips `output`, and DeepSeek-V3
  // keeps the output head in higher precision (arXiv 2412.19437 §3.3.1).
  const headClock = fp8 ? gemmClockFor(gpu, eff, false) : clock;
  headClock.reset();
  headClock.fwdBwd(tokens, m.vocab / lp.tp, m.hidden, 1);
  const lossBytes = ((tokens * m.vocab) / lp.tp) * stack.lossBytesPerLogit; // the stack's cross-entropy, forward and backward
  const headS = headClock.fwdS + headClock.bwdS + lossBytes / hbmBps + (lp.recompute === 'full' ? headClock.fwdS : 0);
  const actOpts = { fp8, unfusedAttention: unfused, fineGrainedFp8: stack.fp8Activations === 'fine-grained' };
  const mo = m.moe;
  const typical = mo && moeLayerCount(m) >= denseLayerCount(m) ? moe : dense;
  const typicalS = typical.fwdS + typical.bwdS;
  return {
    stack,
    attnS: attn.fwdS + attn.bwdS,
    spec, lp, eff, net, fp8, unfused, gemmPeak, hbmBps, tokens, spDiv, tpHidden, dense, moe,
    denseLayerS: one(dense),
    moeLayerS: one(moe),
    nDense: denseLayerCount(m),
    nMoe: moeLayerCount(m),
    headS,
    headHw: headClock.flops,
    embedS: (tokens * m.hidden * 2 * 3) / spDiv / hbmBps,
    actDense: layerActivationBytes(m, p, s, false, actOpts),
    actMoe: mo ? layerActivationBytes(m, p, s, true, actOpts) : 0,
    actRecomputeLayer: lp.recompute === 'full' ? layerActivationBytes(m, { ...p, recompute: 'none' }, s, mo !== undefined, actOpts) : 0,
    attnParams: attentionParams(m),
    denseMlpParams: denseMlpParams(m),
    moeDenseParams: mo ? m.hidden * mo.experts + mo.sharedExperts * expertParams(m) : 0,
    moeExpertParams: mo ? mo.experts * expertParams(m) : 0,
    fwdShare: typicalS > 0 ? typical.fwdS / typicalS : 1 / 3,
    weightShare: typicalS > 0 ? typical.bwdWeightS / typicalS : 1 / 3,
    commSmShare,
  };
}

/** Critical-path seconds of one layer: compute and the exposed TP (less what overlap hides), CP and EP. */
function layerCriticalS(x: LayerCost, tpHidden: number): number {
  return x.fwdS + x.bwdS + x.tpS * (1 - tpHidden) + x.cpExposedS + x.epS;
}

/**
 * The same layer phase under another context-parallel exchange. The exchange changes only each
 * layer's exposed and hidden CP time (cp-comm.ts: the attention it hides behind, the memory
 * and the compute stay), so everything else is reused: what plan search needs to weigh the
 * exchanges of a layer plan without rebuilding it (`c`: the exchange's cost, if already known).
 */
export function withCpComm(L: LayerPhase, cpComm: CpComm, c: CpCommCost = cpCommCost(L.net, L.spec.model, L.lp, cpComm, L.tokens, L.attnS)): LayerPhase {
  const re = (x: LayerCost): LayerCost => ({ ...x, cpExposedS: c.exposedS, cpOverlappedS: c.overlappedS });
  const dense = re(L.dense);
  const moe = L.moe === L.dense ? dense : re(L.moe);
  return { ...L, lp: { ...L.lp, cpComm }, dense, moe, denseLayerS: layerCriticalS(dense, L.tpHidden), moeLayerS: layerCriticalS(moe, L.tpHidden) };
}

/** Critical-path time of `n` layers of which `denseN` are dense. */
export function layersTime(lp: LayerPhase, n: number, denseN: number): number {
  return denseN * lp.denseLayerS + (n - denseN) * lp.moeLayerS;
}
