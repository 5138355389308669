import type { GpuSpec } from '../catalog/gpu.js';
import type { ModelConfig, ParallelPlan, ResolvedSpec } from '../spec/types.js';
import { allReduceS, allToAllS, networkOf, reduceScatterS, sendRecvS, type Network } from './collectives.js';
import { efficiencyFor, gemmPeakTflops, type EfficiencyModel } from './efficiency.js';
import { attentionParams, denseLayerCount, denseMlpParams, expertParams, modelFlopsPerToken, moeLayerCount, paramCounts } from './flops.js';
import { inFlightMicroBatches, layerActivationBytes, stateBytesPerParam } from './memory.js';
import type { CommByKind, Estimate } from './result.js';

const GIB = 2 ** 30;
/** HBM capacities are sold in binary units: an "80 GB" H100 shows 81,559 MiB (0.9956 of 80 GiB). */
const USABLE_HBM_FRACTION = 0.9956;
/** CUDA context, cuBLAS/NCCL workspaces and communication buffers, GiB (general measurement). */
const WORKSPACE_GIB = 2.5;
/** Caching-allocator fragmentation, as a fraction of activation memory (assumption). */
const FRAGMENTATION = 0.08;
/** Element-wise kernels per layer forward (norms, residual adds, activation, RoPE, casts). */
const ELEMENTWISE_KERNELS = 12;
/** Adam step and gradient-norm pass: bytes read and written per local parameter (FP32 state). */
const OPTIMIZER_BYTES_PER_PARAM = 36;

/**
 * GEMM time on one GPU: a roofline with a shape penalty. Accumulates the FLOPs and kernels it
 * times, so a layer's hardware FLOPs fall out of its timing. A class, not closures, so the
 * hot path allocates nothing.
 */
class GemmClock {
  flops = 0;
  kernels = 0;
  fwdS = 0;
  bwdS = 0;
  constructor(
    private readonly peak: number,
    private readonly max: number,
    private readonly d0: number,
    private readonly hbmBps: number,
    private readonly operandBytes: number,
  ) {}

  reset(): void {
    this.flops = 0;
    this.kernels = 0;
    this.fwdS = 0;
    this.bwdS = 0;
  }

  time(M: number, N: number, K: number, count: number): number {
    if (M <= 0 || N <= 0 || K <= 0 || count <= 0) return 0;
    const flops = 2 * M * N * K * count;
    this.flops += flops;
    this.kernels += count;
    const d0 = this.d0;
    const tCompute = flops / ((this.peak * this.max) / (1 + d0 / M + d0 / N + d0 / K));
    const tMemory = ((M * K + K * N + M * N) * this.operandBytes * count) / this.hbmBps;
    return tCompute > tMemory ? tCompute : tMemory;
  }

  /** A forward GEMM and its two backward GEMMs (data gradient M×K, weight gradient K×N). */
  fwdBwd(M: number, N: number, K: number, count: number): void {
    this.fwdS += this.time(M, N, K, count);
    this.bwdS += this.time(M, K, N, count) + this.time(K, N, M, count);
  }
}

/** Per-GPU cost of one layer for one micro-batch, seconds. */
interface LayerCost {
  fwdS: number;
  /** Backward, including recomputation. */
  bwdS: number;
  hwFlops: number;
  kernelS: number;
  tpS: number;
  cpExposedS: number;
  cpOverlappedS: number;
  epS: number;
}

/** Everything a layer's cost depends on, computed once per evaluation. */
interface Ctx {
  m: ModelConfig;
  p: ParallelPlan;
  eff: EfficiencyModel;
  net: Network;
  clock: GemmClock;
  seqLen: number;
  tokens: number;
  spDiv: number;
  fp8: boolean;
  hbmBps: number;
  unfused: boolean;
  attnFwdFlops: number;
  attnFwdS: number;
  attnBwdS: number;
}

/** Attention core: flash (causal blocks skipped, nothing s×s in HBM) or unfused. */
function attentionCost(c: Ctx, bf16Peak: number): void {
  const { m, p, seqLen: s } = c;
  const scores = (p.microBatch * s * s * m.heads) / (p.cp * p.tp); // score elements per GPU
  if (c.unfused) {
    // Full s×s scores by batched GEMMs (heads·micro-batch of s×s×d), then scale-mask-softmax
    // as memory-bound kernels: write scores, read them, write probabilities (2+2+2 B); the
    // backward reads probabilities and their gradients (×2). No attention dropout.
    c.attnFwdFlops = 4 * scores * m.headDim;
    const batched = (p.microBatch * m.heads) / p.tp;
    c.clock.reset();
    c.clock.fwdBwd(s / p.cp, s, m.headDim, batched); // Q·Kᵀ
    c.clock.fwdBwd(s / p.cp, m.headDim, s, batched); // P·V
    const softmaxFwdS = (6 * scores) / c.hbmBps;
    c.attnFwdS = c.clock.fwdS + softmaxFwdS;
    c.attnBwdS = c.clock.bwdS + 2 * softmaxFwdS;
  } else {
    const attnEff = c.eff.attentionFwd * (s / (s + c.eff.attentionHalfSeq));
    c.attnFwdFlops = 4 * scores * m.headDim * 0.5;
    c.attnFwdS = c.attnFwdFlops / (bf16Peak * attnEff);
    c.attnBwdS = c.attnFwdS * c.eff.attentionBwdRatio;
  }
}

function layerCost(c: Ctx, moeLayer: boolean): LayerCost {
  const { m, p, clock, tokens, spDiv, eff, net } = c;
  const h = m.hidden;
  const mats = m.gatedMlp ? 3 : 2;
  const castPerElem = c.fp8 ? 3 : 0; // read BF16, write FP8 before each FP8 GEMM
  clock.reset();
  clock.fwdBwd(tokens, ((m.heads + 2 * m.kvHeads) * m.headDim) / p.tp, h, 1); // QKV
  clock.fwdBwd(tokens, h, (m.heads * m.headDim) / p.tp, 1); // output projection
  // Memory-bound bytes moved forward: 2 norms (2h each) and 2 residual adds (3h each), RoPE on
  // Q and K, casts before the GEMMs, the MLP activation function.
  let elemBytes = (10 * tokens * h * 2) / spDiv;
  elemBytes += (2 * tokens * (m.heads + m.kvHeads) * m.headDim * 2) / p.tp;
  elemBytes += (castPerElem * tokens * (2 * h + m.heads * m.headDim)) / p.tp;
  let epS = 0;
  if (moeLayer && m.moe) {
    const mo = m.moe;
    clock.fwdBwd(tokens / spDiv, mo.experts, h, 1); // router (replicated weights, SP-split tokens)
    const routed = (tokens / p.tp) * mo.topK; // token copies this GPU's experts process (expert TP = 1)
    const perExpert = (routed * p.ep) / mo.experts; // balanced routing
    const localExperts = mo.experts / p.ep;
    clock.fwdBwd(perExpert, (mats - 1) * mo.ffnHidden, h, localExperts);
    clock.fwdBwd(perExpert, h, mo.ffnHidden, localExperts);
    if (mo.sharedExperts > 0) {
      const fs = mo.sharedExperts * mo.ffnHidden;
      clock.fwdBwd(tokens, ((mats - 1) * fs) / p.tp, h, 1);
      clock.fwdBwd(tokens, h, fs / p.tp, 1);
      elemBytes += (mats * tokens * fs * 2) / p.tp + (castPerElem * tokens * (h + fs)) / p.tp;
    }
    // Activation, permute and un-permute of the routed copies, casts.
    elemBytes += mats * routed * mo.ffnHidden * 2 + 2 * 2 * routed * h * 2 + castPerElem * routed * (h + mo.ffnHidden);
    // Dispatch and combine: all-to-all over the expert-parallel group, forward and backward.
    epS = 4 * allToAllS(net, routed * h * 2, p.ep, 1);
  } else {
    clock.fwdBwd(tokens, ((mats - 1) * m.ffnHidden) / p.tp, h, 1);
    clock.fwdBwd(tokens, h, m.ffnHidden / p.tp, 1);
    elemBytes += (mats * tokens * m.ffnHidden * 2) / p.tp + (castPerElem * tokens * (h + m.ffnHidden)) / p.tp;
  }
  const elemFwdS = elemBytes / c.hbmBps;
  const kernelFwdS = (clock.kernels / 3 + ELEMENTWISE_KERNELS) * eff.kernelS;
  const fwdS = clock.fwdS + c.attnFwdS + elemFwdS + kernelFwdS;
  let bwdS = clock.bwdS + c.attnBwdS + 2 * elemFwdS + 2 * kernelFwdS;
  let hw = clock.flops + 3 * c.attnFwdFlops;
  if (p.recompute === 'full') {
    bwdS += fwdS;
    hw += clock.flops / 3 + c.attnFwdFlops;
  } else if (p.recompute === 'selective') {
    if (c.unfused) {
      // Megatron's original selective recomputation: the attention core.
      bwdS += c.attnFwdS;
      hw += c.attnFwdFlops;
    } else {
      // With flash attention the attention core keeps nothing large; selective recomputation
      // recomputes the norms and the activation function instead (memory-bound kernels).
      bwdS += 0.5 * elemFwdS;
    }
  }
  // Tensor parallelism: with SP an all-gather and a reduce-scatter around attention and around
  // the MLP, forward and backward (without SP, the same bytes as all-reduces); full
  // recomputation repeats the forward ones.
  const tpPassS = p.tp > 1 ? 4 * reduceScatterS(net, tokens * h * 2, p.tp, 1) : 0;
  const tpS = tpPassS * (p.recompute === 'full' ? 3 : 2);
  // Context parallelism: ring exchange of K and V (backward: also their gradients), hidden
  // behind the attention blocks it feeds.
  let cpExposedS = 0;
  let cpOverlappedS = 0;
  if (p.cp > 1) {
    const kvBytes = (2 * tokens * 2 * m.kvHeads * m.headDim) / p.tp;
    const commS = (p.cp - 1) * sendRecvS(net, kvBytes, p.tp * p.cp > net.domain) * (3 + (p.recompute === 'full' ? 1 : 0));
    cpExposedS = Math.max(0, commS - c.attnFwdS - c.attnBwdS);
    cpOverlappedS = commS - cpExposedS;
  }
  return { fwdS, bwdS, hwFlops: hw, kernelS: 3 * kernelFwdS, tpS, cpExposedS, cpOverlappedS, epS };
}

/** Critical-path time of `n` layers of which `denseN` are dense. */
function layersTime(dense: LayerCost, moe: LayerCost, n: number, denseN: number, tpHidden: number): number {
  const one = (x: LayerCost) => x.fwdS + x.bwdS + x.tpS * (1 - tpHidden) + x.cpExposedS + x.epS;
  return denseN * one(dense) + (n - denseN) * one(moe);
}

/** Parameters on one pipeline device, split into dense (TP-sharded) and expert (EP-sharded). */
function deviceParams(m: ModelConfig, p: ParallelPlan, layers: number, denseN: number, embeddings: number): { dense: number; expert: number } {
  const mo = m.moe;
  const moeN = layers - denseN;
  const perMoeDense = mo ? m.hidden * mo.experts + mo.sharedExperts * expertParams(m) : 0;
  return {
    dense: (layers * attentionParams(m) + denseN * denseMlpParams(m) + moeN * perMoeDense + embeddings * m.vocab * m.hidden) / p.tp,
    expert: mo ? (moeN * mo.experts * expertParams(m)) / p.ep : 0,
  };
}

const effCache = new WeakMap<GpuSpec, EfficiencyModel>();
function defaultEfficiency(gpu: GpuSpec): EfficiencyModel {
  let e = effCache.get(gpu);
  if (!e) effCache.set(gpu, (e = efficiencyFor(gpu)));
  return e;
}

/**
 * Evaluate a fully resolved spec: step time, throughput, FLOP utilisation, memory and the
 * breakdown. Pure: this is the hot path of `search`.
 */
export function evaluate(spec: ResolvedSpec, effIn?: EfficiencyModel): Estimate {
  const { model: m, system, training, parallel: p } = spec;
  const gpu = system.gpu;
  const eff = effIn ?? defaultEfficiency(gpu);
  const net = networkOf(system, eff);
  const s = training.seqLen;
  const h = m.hidden;
  const fp8 = training.precision === 'fp8' && gpu.fp8Tflops !== undefined;
  const gemmPeak = gemmPeakTflops(gpu, training.precision) * 1e12;
  const hbmBps = gpu.hbmTBps * 1e12 * eff.hbm;
  const operandBytes = fp8 ? 1 : 2;
  const d0 = eff.gemmShapeFactor * (gemmPeak / (gpu.hbmTBps * 1e12)) * (operandBytes / 2);
  const tpHidden = p.tpCommOverlap && p.tp > 1 ? eff.tpOverlap : 0;
  const gpusUsed = p.tp * p.pp * p.dp * p.cp;
  const microBatches = training.globalBatch / (p.dp * p.microBatch);
  const tokens = (p.microBatch * s) / p.cp; // tokens per micro-batch on one GPU
  const spDiv = p.sequenceParallel ? p.tp : 1;

  const clock = new GemmClock(gemmPeak, fp8 ? eff.gemmMaxFp8 : eff.gemmMaxBf16, d0, hbmBps, operandBytes);
  const ctx: Ctx = {
    m, p, eff, net, clock, seqLen: s, tokens, spDiv, fp8, hbmBps,
    unfused: training.attention === 'unfused', attnFwdFlops: 0, attnFwdS: 0, attnBwdS: 0,
  };
  attentionCost(ctx, gpu.bf16Tflops * 1e12);
  const dense = layerCost(ctx, false);
  const moe = m.moe ? layerCost(ctx, true) : dense;
  const nDense = denseLayerCount(m);
  const nMoe = moeLayerCount(m);

  // ---- Pipeline stages: ceil(L/pp) layers on the busiest; leading dense layers on the first --
  const layersPerStage = Math.ceil(m.layers / p.pp);
  const baseLayers = Math.floor(m.layers / p.pp);
  const lastLayers = m.layers - (p.pp - 1) * baseLayers;
  const fracMoe = nMoe / m.layers;
  const firstDense = Math.min(nDense, p.pp === 1 ? m.layers : baseLayers);
  const midDense = Math.min(layersPerStage, Math.round(layersPerStage * (1 - fracMoe)));

  // LM head + loss on the last stage; embedding gather/scatter on the first.
  clock.reset();
  clock.fwdBwd(tokens, m.vocab / p.tp, h, 1);
  const lossBytes = ((tokens * m.vocab) / p.tp) * 4 * 3; // FP32 logits: softmax, loss, gradient
  const headS = clock.fwdS + clock.bwdS + lossBytes / hbmBps + (p.recompute === 'full' ? clock.fwdS : 0);
  const headHw = clock.flops;
  const embedS = (tokens * h * 2 * 3) / spDiv / hbmBps;

  let firstS: number;
  let midS: number;
  let lastS: number;
  if (p.pp === 1) {
    firstS = midS = lastS = layersTime(dense, moe, m.layers, nDense, tpHidden) + headS + embedS;
  } else {
    firstS = layersTime(dense, moe, baseLayers, firstDense, tpHidden) + embedS;
    midS = layersTime(dense, moe, layersPerStage, midDense, tpHidden);
    lastS = layersTime(dense, moe, Math.min(lastLayers, layersPerStage), 0, tpHidden) + headS;
  }
  const criticalS = Math.max(firstS, midS, lastS);
  const avgStageS = p.pp === 1 ? criticalS : (firstS + lastS + (p.pp - 2) * midS) / p.pp;

  // Pipeline send/recv: activations forward, gradients backward, per virtual stage; with TP
  // only 1/tp is sent and re-gathered on NVLink (Megatron's scatter-gather optimisation).
  const ppPerMbS = p.pp > 1 ? 2 * p.vpp * sendRecvS(net, (tokens * h * 2) / p.tp, p.tp * p.cp * p.dp >= net.domain) : 0;

  // ---- Parameters on the heaviest device ----------------------------------------------------
  const first = deviceParams(m, p, p.pp === 1 ? m.layers : baseLayers, firstDense, p.pp === 1 ? 2 : 1);
  const mid = deviceParams(m, p, layersPerStage, midDense, 0);
  const last = deviceParams(m, p, lastLayers, 0, 1);
  let heavy = first;
  if (p.pp > 1) {
    if (mid.dense + mid.expert > heavy.dense + heavy.expert) heavy = mid;
    if (last.dense + last.expert > heavy.dense + heavy.expert) heavy = last;
  }

  // ---- Data parallelism and ZeRO --------------------------------------------------------
  const denseShards = p.dp * p.cp;
  const expertShards = Math.max(1, (p.dp * p.cp * p.tp) / p.ep);
  // Gradient reduce-scatter + parameter all-gather (the same bytes as an all-reduce). BF16
  // gradients with the distributed optimizer (Megatron's default), FP32 otherwise.
  const gradBytes = p.zeroStage >= 1 ? 2 : 4;
  let dpCommS = allReduceS(net, heavy.dense * gradBytes, denseShards, p.tp) + (m.moe ? allReduceS(net, heavy.expert * gradBytes, expertShards, p.ep) : 0);
  let zeroPerMbS = 0;
  let zeroHiddenPerMbS = 0;
  const stateParams = heavy.dense + heavy.expert;
  if (p.zeroStage >= 3) {
    // ZeRO-3 gathers the weights for forward and again for backward and reduce-scatters the
    // gradients, every micro-batch, as one flat ring over the data-parallel ranks: beyond one
    // NVLink domain every GPU's share crosses its own NIC (Narayanan et al. 2021, Table 2).
    const flatStride = denseShards * p.tp > net.domain ? net.domain : p.tp;
    const perMb = 3 * reduceScatterS(net, stateParams * 2, denseShards, flatStride);
    zeroHiddenPerMbS = eff.zeroOverlap * Math.min(perMb, criticalS);
    zeroPerMbS = perMb - zeroHiddenPerMbS;
    dpCommS = 0;
  } else if (p.zeroStage === 2) {
    // ZeRO-2 reduce-scatters gradients every micro-batch, behind its backward.
    const perMb = reduceScatterS(net, stateParams * gradBytes, denseShards, p.tp);
    zeroHiddenPerMbS = eff.zeroOverlap * Math.min(perMb, criticalS);
    zeroPerMbS = perMb - zeroHiddenPerMbS;
    dpCommS = reduceScatterS(net, stateParams * 2, denseShards, p.tp);
  }
  // Bucketed gradient reduction overlaps the last micro-batch's backward (one model chunk).
  const bwdWindowS = (criticalS * 2) / 3 / p.vpp;
  const dpExposedS = Math.max(0, dpCommS - eff.dpOverlap * bwdWindowS);

  // ---- Optimizer step ------------------------------------------------------------------
  const sharded = p.zeroStage >= 1;
  const localParams = heavy.dense / (sharded ? denseShards : 1) + heavy.expert / (sharded ? expertShards : 1);
  const optimizerS = (localParams * OPTIMIZER_BYTES_PER_PARAM) / hbmBps + 40 * eff.kernelS;

  // ---- Step ------------------------------------------------------------------------
  const mbS = criticalS + ppPerMbS + zeroPerMbS;
  const bubbleS = p.pp > 1 ? ((p.pp - 1) / p.vpp) * (avgStageS + ppPerMbS) : 0;
  const stepTimeS = microBatches * mbS + bubbleS + dpExposedS + optimizerS;

  // Breakdown of the critical stage's per-micro-batch time (parts add up to the step).
  const critLayers = p.pp === 1 ? m.layers : layersPerStage;
  const critMoe = Math.round(critLayers * fracMoe);
  const critDense = critLayers - critMoe;
  const tpExp = (critDense * dense.tpS + critMoe * moe.tpS) * (1 - tpHidden);
  const cpExp = critDense * dense.cpExposedS + critMoe * moe.cpExposedS;
  const epExp = critDense * dense.epS + critMoe * moe.epS;
  const kernelS = critDense * dense.kernelS + critMoe * moe.kernelS;
  const computeS = Math.max(0, criticalS - tpExp - cpExp - epExp - kernelS);
  const exposed: CommByKind = {
    tp: microBatches * tpExp, cp: microBatches * cpExp, ep: microBatches * epExp,
    pp: microBatches * ppPerMbS, dp: dpExposedS, zero: microBatches * zeroPerMbS,
  };
  const overlapped: CommByKind = {
    tp: (microBatches * (critDense * dense.tpS + critMoe * moe.tpS) * tpHidden),
    cp: microBatches * (critDense * dense.cpOverlappedS + critMoe * moe.cpOverlappedS),
    ep: 0, pp: 0, dp: dpCommS - dpExposedS, zero: microBatches * zeroHiddenPerMbS,
  };

  // ---- FLOPs ---------------------------------------------------------------------------
  const tokensPerStep = training.globalBatch * s;
  const flopsPerToken = modelFlopsPerToken(m, s);
  const modelFlopsPerGpu = (flopsPerToken * tokensPerStep) / gpusUsed;
  const hwFlopsPerGpu = (((nDense * dense.hwFlops + nMoe * moe.hwFlops + headHw) / p.pp) * microBatches);

  // ---- Memory on the heaviest device ------------------------------------------------------
  const sb = stateBytesPerParam(p.zeroStage, denseShards);
  const sbE = stateBytesPerParam(p.zeroStage, expertShards);
  const weights = heavy.dense * sb.weights + heavy.expert * sbE.weights + (fp8 ? stateParams : 0); // + FP8 weight copies
  const grads = heavy.dense * sb.gradients + heavy.expert * sbE.gradients;
  const optim = heavy.dense * sb.optimizer + heavy.expert * sbE.optimizer;
  const actOpts = { fp8, unfusedAttention: ctx.unfused };
  const stageMoe = Math.max(0, critLayers - Math.min(nDense, critLayers));
  const perMbAct =
    (critLayers - stageMoe) * layerActivationBytes(m, p, s, false, actOpts) + stageMoe * layerActivationBytes(m, p, s, true, actOpts) + (2 * tokens * h) / spDiv;
  let activations = perMbAct * inFlightMicroBatches(p, microBatches);
  // Full recomputation rebuilds one layer's activations at a time during the backward.
  if (p.recompute === 'full') activations += layerActivationBytes(m, { ...p, recompute: 'none' }, s, nMoe > 0, actOpts);
  const logitsBytes = p.pp === 1 ? ((tokens * m.vocab) / p.tp) * 6 : 0;
  const zero3GatherBytes = p.zeroStage >= 3 ? (4 * stateParams) / Math.max(1, m.layers / p.pp) : 0; // two layers gathered
  const workspace = WORKSPACE_GIB * GIB + FRAGMENTATION * activations + logitsBytes + zero3GatherBytes;
  const totalBytes = weights + grads + optim + activations + workspace;
  const usableGiB = gpu.hbmGB * USABLE_HBM_FRACTION;
  const counts = paramCounts(m);

  const est: Estimate = {
    stepTimeS,
    tokensPerStep,
    tokensPerSec: tokensPerStep / stepTimeS,
    tokensPerSecPerGpu: tokensPerStep / stepTimeS / gpusUsed,
    modelTflopsPerGpu: modelFlopsPerGpu / stepTimeS / 1e12,
    hardwareTflopsPerGpu: hwFlopsPerGpu / stepTimeS / 1e12,
    mfu: modelFlopsPerGpu / stepTimeS / gemmPeak,
    hfu: hwFlopsPerGpu / stepTimeS / gemmPeak,
    peakTflops: gemmPeak / 1e12,
    modelFlopsPerToken: flopsPerToken,
    memory: {
      weightsGiB: weights / GIB,
      gradientsGiB: grads / GIB,
      optimizerGiB: optim / GIB,
      activationsGiB: activations / GIB,
      workspaceGiB: workspace / GIB,
      totalGiB: totalBytes / GIB,
      usableGiB,
    },
    fits: totalBytes / GIB <= usableGiB,
    breakdown: { computeS: microBatches * computeS, exposedCommS: exposed, bubbleS, optimizerS, otherS: microBatches * kernelS },
    overlappedCommS: overlapped,
    parallel: p,
    gpusUsed,
    microBatchesPerStep: microBatches,
    paramsTotal: counts.total,
    paramsActive: counts.activeMatmul,
  };
  if (training.tokens !== undefined) est.timeToTrainDays = training.tokens / est.tokensPerSec / 86400;
  return est;
}
