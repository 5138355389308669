import type { ResolvedSpec } from '../spec/types.js';
import { allReduceS, allToAllS, networkOf, reduceScatterS, sendRecvS, type Network } from './collectives.js';
import { efficiencyFor, gemmPeakTflops, type EfficiencyModel } from './efficiency.js';
import { denseLayerCount, modelFlopsPerToken, moeLayerCount, paramCounts, attentionParams, denseMlpParams, expertParams } from './flops.js';
import { inFlightMicroBatches, layerActivationBytes, stateBytesPerParam } from './memory.js';
import type { CommByKind, Estimate } from './result.js';

const GIB = 2 ** 30;
/** HBM capacities are sold in binary units: an "80 GB" H100 shows 81,559 MiB (0.9956 of 80 GiB). */
const USABLE_HBM_FRACTION = 0.9956;
/** CUDA context, cuBLAS/NCCL workspaces and communication buffers, GiB (general measurement). */
const WORKSPACE_GIB = 2.5;
/** Caching-allocator fragmentation, as a fraction of activation memory (assumption). */
const FRAGMENTATION = 0.08;

/** Per-GPU cost of one layer for one micro-batch, seconds (forward, backward incl. recompute). */
interface LayerCost {
  fwdS: number;
  bwdS: number;
  hwFlops: number;
  kernelS: number;
  tpS: number;
  cpExposedS: number;
  cpOverlappedS: number;
  epS: number;
}

/**
 * Evaluate a fully resolved spec: step time, throughput, FLOP utilisation, memory and the
 * breakdown. Pure and allocation-light: this is the hot path of `search`.
 */
export function evaluate(spec: ResolvedSpec, effIn?: EfficiencyModel): Estimate {
  const { model: m, system, training, parallel: p } = spec;
  const eff = effIn ?? efficiencyFor(system.gpu);
  const net = networkOf(system, eff);
  const gpu = system.gpu;
  const s = training.seqLen;
  const fp8 = training.precision === 'fp8' && gpu.fp8Tflops !== undefined;
  const gemmPeak = gemmPeakTflops(gpu, training.precision) * 1e12;
  const gemmMax = fp8 ? eff.gemmMaxFp8 : eff.gemmMaxBf16;
  const bf16Peak = gpu.bf16Tflops * 1e12;
  const hbmBps = gpu.hbmTBps * 1e12 * eff.hbm;
  const operandBytes = fp8 ? 1 : 2;
  const d0 = eff.gemmShapeFactor * (gemmPeak / (gpu.hbmTBps * 1e12)) * (operandBytes / 2);
  const tpHidden = p.tpCommOverlap && p.tp > 1 ? eff.tpOverlap : 0;

  const gpusUsed = p.tp * p.pp * p.dp * p.cp;
  const microBatches = training.globalBatch / (p.dp * p.microBatch);
  const tokens = (p.microBatch * s) / p.cp; // tokens per micro-batch on one GPU (sequence split by cp)
  const spDiv = p.sequenceParallel ? p.tp : 1;
  const h = m.hidden;

  // ---- GEMM roofline with shape-dependent efficiency -------------------------------------
  let hwFlopsAcc = 0;
  let kernels = 0;
  const gemm = (M: number, N: number, K: number, count: number): number => {
    if (M <= 0 || N <= 0 || K <= 0 || count <= 0) return 0;
    const flops = 2 * M * N * K * count;
    hwFlopsAcc += flops;
    kernels += count;
    const e = gemmMax / (1 + d0 / M + d0 / N + d0 / K);
    const tCompute = flops / (gemmPeak * e);
    const tMemory = ((M * K + K * N + M * N) * operandBytes * count) / hbmBps;
    return tCompute > tMemory ? tCompute : tMemory;
  };
  /** Forward GEMM plus its two backward GEMMs (data gradient and weight gradient). */
  const gemmFwdBwd = (M: number, N: number, K: number, count: number, out: { f: number; b: number }): void => {
    out.f += gemm(M, N, K, count);
    out.b += gemm(M, K, N, count) + gemm(K, N, M, count);
  };

  // ---- Attention core -----------------------------------------------------------------------
  // Flash attention skips the masked half of a causal score matrix and never writes it to HBM.
  // Unfused attention computes the full s×s scores with batched GEMMs (heads·micro-batch of
  // s×s×d), then scale-mask-softmax and dropout as memory-bound kernels over every score.
  const unfusedAttention = training.attention === 'unfused';
  const scores = (p.microBatch * s * s * m.heads) / (p.cp * p.tp); // score elements per GPU
  let attnFwdFlops: number;
  let attnFwdS: number;
  let attnBwdS: number;
  if (unfusedAttention) {
    attnFwdFlops = 4 * scores * m.headDim;
    const batched = (p.microBatch * m.heads) / p.tp;
    const gF = { f: 0, b: 0 };
    gemmFwdBwd(s / p.cp, s, m.headDim, batched, gF); // Q·Kᵀ
    gemmFwdBwd(s / p.cp, m.headDim, s, batched, gF); // P·V
    // Softmax: write scores, read, write probabilities (2+2+2 B); dropout mask and output
    // are absent without attention dropout. Backward reads probabilities and gradients (x2).
    const softmaxFwdS = (6 * scores) / hbmBps;
    attnFwdS = gF.f + softmaxFwdS;
    attnBwdS = gF.b + 2 * softmaxFwdS;
  } else {
    const attnEff = eff.attentionFwd * (s / (s + eff.attentionHalfSeq));
    attnFwdFlops = 4 * scores * m.headDim * 0.5;
    attnFwdS = attnFwdFlops / (bf16Peak * attnEff);
    attnBwdS = attnFwdS * eff.attentionBwdRatio;
  }

  // ---- Element-wise, memory-bound work per layer (bytes moved, forward) ----------------------
  const qkvDim = (m.heads + 2 * m.kvHeads) * m.headDim;
  const normResidualBytes = (10 * tokens * h * 2) / spDiv; // 2 norms (2h each), 2 residual adds (3h each)
  const ropeBytes = (2 * tokens * (m.heads + m.kvHeads) * m.headDim * 2) / p.tp;
  const actBytes = (f: number, t: number) => (m.gatedMlp ? 3 : 2) * t * f * 2;
  const castBytes = (elems: number) => (fp8 ? 3 * elems : 0); // read BF16, write FP8 before each GEMM

  const layerCost = (moe: boolean): LayerCost => {
    hwFlopsAcc = 0;
    kernels = 0;
    const g = { f: 0, b: 0 };
    gemmFwdBwd(tokens, qkvDim / p.tp, h, 1, g); // QKV
    gemmFwdBwd(tokens, h, (m.heads * m.headDim) / p.tp, 1, g); // output projection
    let elemBytes = normResidualBytes + ropeBytes + castBytes((tokens * (2 * h + m.heads * m.headDim)) / p.tp);
    let epS = 0;
    const mats = m.gatedMlp ? 3 : 2;
    if (moe && m.moe) {
      const mo = m.moe;
      gemmFwdBwd(tokens / spDiv, mo.experts, h, 1, g); // router (replicated weights, SP-split tokens)
      const localExperts = mo.experts / p.ep;
      const routedTokens = (tokens / p.tp) * mo.topK; // tokens this GPU's experts process (expert TP = 1)
      const perExpert = (routedTokens * p.ep) / mo.experts; // balanced routing (force-balanced benchmarks)
      const fc1N = (mats - 1) * mo.ffnHidden;
      gemmFwdBwd(perExpert, fc1N, h, localExperts, g);
      gemmFwdBwd(perExpert, h, mo.ffnHidden, localExperts, g);
      if (mo.sharedExperts > 0) {
        const fs = mo.sharedExperts * mo.ffnHidden;
        gemmFwdBwd(tokens, ((mats - 1) * fs) / p.tp, h, 1, g);
        gemmFwdBwd(tokens, h, fs / p.tp, 1, g);
        elemBytes += actBytes(fs / p.tp, tokens);
      }
      elemBytes += actBytes(mo.ffnHidden, routedTokens) + 2 * 2 * routedTokens * h * 2; // activation, permute/unpermute
      elemBytes += castBytes(routedTokens * (h + mo.ffnHidden));
      // Token dispatch and combine: all-to-all over the expert-parallel group, forward and backward.
      const a2aBytes = routedTokens * h * 2;
      epS = 4 * allToAllS(net, a2aBytes, p.ep, 1);
    } else {
      gemmFwdBwd(tokens, ((mats - 1) * m.ffnHidden) / p.tp, h, 1, g);
      gemmFwdBwd(tokens, h, m.ffnHidden / p.tp, 1, g);
      elemBytes += actBytes(m.ffnHidden / p.tp, tokens) + castBytes((tokens * (h + m.ffnHidden)) / p.tp);
    }
    const elemFwdS = elemBytes / hbmBps;
    const kernelFwd = (kernels / 3) * eff.kernelS + 12 * eff.kernelS; // GEMMs + ~12 element-wise kernels
    const fwdS = g.f + attnFwdS + elemFwdS + kernelFwd;
    let bwdS = g.b + attnBwdS + 2 * elemFwdS + 2 * kernelFwd;
    let hw = hwFlopsAcc + attnFwdFlops * 3;
    if (p.recompute === 'full') {
      bwdS += fwdS;
      hw += hwFlopsAcc / 3 + attnFwdFlops;
    } else if (p.recompute === 'selective') {
      if (unfusedAttention) {
        // Megatron's original selective recomputation: the attention core.
        bwdS += attnFwdS;
        hw += attnFwdFlops;
      } else {
        // With flash attention the attention core keeps nothing large; selective recomputation
        // recomputes the norms and the MLP activation function instead (memory-bound kernels).
        bwdS += 0.5 * elemFwdS;
      }
    }
    // Tensor parallelism: with SP, all-gather + reduce-scatter around attention and MLP (each
    // of the full activation), forward and backward; without SP, two all-reduces each way.
    // Recomputation repeats the forward collectives.
    const actBytesFull = tokens * h * 2;
    const tpPerPass = p.tp > 1 ? 4 * reduceScatterS(net, actBytesFull, p.tp, 1) : 0;
    const tpS = tpPerPass * (p.recompute === 'full' ? 3 : 2);
    // Context parallelism: ring exchange of K and V (backward: K, V and their gradients),
    // overlapped with the attention blocks.
    let cpExposedS = 0;
    let cpOverlappedS = 0;
    if (p.cp > 1) {
      const kvBytes = (2 * tokens * 2 * m.kvHeads * m.headDim) / p.tp;
      const crosses = p.tp * p.cp > net.domain;
      const step = sendRecvS(net, kvBytes, crosses);
      const commS = (p.cp - 1) * step * (1 + 2 + (p.recompute === 'full' ? 1 : 0));
      const hideS = attnFwdS * (1 + eff.attentionBwdRatio);
      cpExposedS = Math.max(0, commS - hideS);
      cpOverlappedS = commS - cpExposedS;
    }
    return { fwdS, bwdS, hwFlops: hw, kernelS: 3 * kernelFwd, tpS, cpExposedS, cpOverlappedS, epS };
  };

  const dense = layerCost(false);
  const moe = m.moe ? layerCost(true) : dense;
  const nDense = denseLayerCount(m);
  const nMoe = moeLayerCount(m);

  // ---- Layers per pipeline stage (uneven splits put the remainder on middle stages) --------
  const layersPerStage = Math.ceil(m.layers / p.pp);
  const fracMoe = m.layers > 0 ? nMoe / m.layers : 0;
  // Critical stage holds ceil(L/pp) layers; leading dense layers sit on the first stage.
  const stageLayerTime = (n: number, denseN: number): number => {
    const moeN = n - denseN;
    const c = (x: LayerCost) => x.fwdS + x.bwdS + x.tpS * (1 - tpHidden) + x.cpExposedS + x.epS;
    return denseN * c(dense) + moeN * c(moe);
  };
  const firstDense = Math.min(nDense, layersPerStage);
  const midDense = p.pp === 1 ? nDense : Math.round(layersPerStage * (1 - fracMoe));

  // Embedding (first stage) and LM head + loss (last stage).
  const headTokens = tokens;
  const hg = { f: 0, b: 0 };
  gemmFwdBwd(headTokens, m.vocab / p.tp, h, 1, hg);
  const lossBytes = ((headTokens * m.vocab) / p.tp) * 4 * 3; // FP32 logits: softmax, loss, gradient
  const headS = hg.f + hg.b + lossBytes / hbmBps + (p.recompute === 'full' ? hg.f : 0);
  const headHw = 2 * headTokens * (m.vocab / p.tp) * h * 3;
  const embedS = ((tokens * h * 2 * 3) / spDiv) / hbmBps; // gather + scatter-add of the gradient

  let firstStageS: number;
  let lastStageS: number;
  let midStageS: number;
  if (p.pp === 1) {
    firstStageS = lastStageS = midStageS = stageLayerTime(m.layers, nDense) + headS + embedS;
  } else {
    const lastLayers = m.layers - (p.pp - 1) * Math.floor(m.layers / p.pp);
    firstStageS = stageLayerTime(Math.floor(m.layers / p.pp), firstDense) + embedS;
    midStageS = stageLayerTime(layersPerStage, Math.min(midDense, layersPerStage));
    lastStageS = stageLayerTime(Math.max(0, Math.min(lastLayers, layersPerStage)), 0) + headS;
  }
  const criticalS = Math.max(firstStageS, midStageS, lastStageS);
  const avgStageS = (firstStageS + lastStageS + (p.pp - 2 > 0 ? (p.pp - 2) * midStageS : 0)) / Math.max(p.pp, 1);

  // Pipeline point-to-point: activations forward, gradients backward, per virtual stage;
  // with SP only 1/tp is sent and re-gathered on NVLink (Megatron's scatter-gather).
  let ppPerMb = 0;
  if (p.pp > 1) {
    const bytes = (tokens * h * 2) / (p.tp > 1 ? p.tp : 1);
    const crosses = p.tp * p.cp * p.dp >= net.domain || p.tp * p.cp >= net.domain;
    ppPerMb = 2 * p.vpp * sendRecvS(net, bytes, crosses);
  }

  // ---- Data parallelism and ZeRO ---------------------------------------------------------
  const counts = paramCounts(m);
  const attnP = attentionParams(m);
  const denseP = denseMlpParams(m);
  const expertP = expertParams(m);
  const routerP = m.moe ? h * m.moe.experts : 0;
  const sharedP = m.moe ? m.moe.sharedExperts * expertP : 0;
  const embedP = m.vocab * h;
  // Parameters on the heaviest device (a middle stage, or the first/last with the embedding or head).
  const stageDense = (n: number, denseN: number) => (n * attnP + denseN * denseP + (n - denseN) * (routerP + sharedP)) / p.tp;
  const stageExpert = (n: number, denseN: number) => ((n - denseN) * (m.moe ? m.moe.experts : 0) * expertP) / p.ep;
  const firstN = p.pp === 1 ? m.layers : Math.floor(m.layers / p.pp);
  const devices = p.pp === 1
    ? [{ dense: stageDense(m.layers, nDense) + (2 * embedP) / p.tp, expert: stageExpert(m.layers, nDense) }]
    : [
        { dense: stageDense(firstN, firstDense) + embedP / p.tp, expert: stageExpert(firstN, firstDense) },
        { dense: stageDense(layersPerStage, Math.min(midDense, layersPerStage)), expert: stageExpert(layersPerStage, Math.min(midDense, layersPerStage)) },
        { dense: stageDense(m.layers - (p.pp - 1) * firstN, 0) + embedP / p.tp, expert: stageExpert(m.layers - (p.pp - 1) * firstN, 0) },
      ];
  let heaviest = devices[0] ?? { dense: 0, expert: 0 };
  for (const d of devices) if (d.dense + d.expert > heaviest.dense + heaviest.expert) heaviest = d;

  const denseShards = p.dp * p.cp;
  const expertShards = Math.max(1, (p.dp * p.cp * p.tp) / p.ep);
  // Gradient reduce-scatter + parameter all-gather (or one all-reduce): the same bytes on the wire.
  // BF16 gradients are reduced (Megatron's default with the distributed optimizer); FP32 otherwise.
  const gradBytes = p.distributedOptimizer || p.zeroStage >= 1 ? 2 : 4;
  const dpStride = p.tp * p.cp;
  const dpDenseS = allReduceS(net, heaviest.dense * gradBytes, denseShards, p.tp);
  const dpExpertS = m.moe ? allReduceS(net, heaviest.expert * gradBytes, expertShards, p.tp * p.ep > 1 ? p.ep : 1) : 0;
  let dpCommS = dpDenseS + dpExpertS;
  void dpStride;

  let zeroPerMbS = 0;
  let zeroOverlapPerMb = 0;
  let stepCommOverlapped = 0;
  const perMbCompute = criticalS;
  if (p.zeroStage >= 3) {
    // ZeRO-3: all-gather weights for forward and again for backward, reduce-scatter gradients,
    // every micro-batch; prefetching hides it behind compute.
    // ZeRO-3 gathers layer by layer over all data-parallel ranks as one flat ring: beyond one
    // NVLink domain every GPU's share of the buffer crosses its own NIC (no intra-node
    // pre-reduction, as measured by Narayanan et al. 2021 Table 2).
    const w = (heaviest.dense + heaviest.expert) * 2;
    const flat = denseShards * p.tp > net.domain ? net.domain : p.tp;
    const perMb = 3 * reduceScatterS(net, w, denseShards, flat);
    zeroPerMbS = perMb - eff.zeroOverlap * Math.min(perMb, perMbCompute);
    zeroOverlapPerMb = perMb - zeroPerMbS;
    dpCommS = 0;
  } else if (p.zeroStage === 2) {
    // ZeRO-2 reduce-scatters gradients every micro-batch (overlapped with backward).
    const perMb = reduceScatterS(net, (heaviest.dense + heaviest.expert) * gradBytes, denseShards, p.tp);
    zeroPerMbS = Math.max(0, perMb - perMbCompute * 0.6);
    zeroOverlapPerMb = perMb - zeroPerMbS;
    dpCommS = reduceScatterS(net, (heaviest.dense + heaviest.expert) * 2, denseShards, p.tp);
  }
  // Gradient reduction overlaps with the backward of the last micro-batch (bucketed); the
  // parameter all-gather of the distributed optimizer with the next step's first forward.
  const bwdWindow = (criticalS * 2) / 3 / p.vpp;
  const dpExposedS = Math.max(0, dpCommS - eff.dpOverlap * bwdWindow);
  stepCommOverlapped += dpCommS - dpExposedS;

  // ---- Optimizer step: Adam reads/writes FP32 master, moments and gradients -----------------
  const st = stateBytesPerParam(p.zeroStage, 1);
  void st;
  const localParams = heaviest.dense / (p.zeroStage >= 1 ? denseShards : 1) + heaviest.expert / (p.zeroStage >= 1 ? expertShards : 1);
  const optimizerS = (localParams * 36) / hbmBps + 40 * eff.kernelS;

  // ---- Step assembly -----------------------------------------------------------------------
  const mbTime = criticalS + ppPerMb + zeroPerMbS;
  const bubbleS = p.pp > 1 ? ((p.pp - 1) / p.vpp) * (avgStageS + ppPerMb) + microBatches * 0 : 0;
  const stepTimeS = microBatches * mbTime + bubbleS + dpExposedS + optimizerS;

  // Breakdown on the critical stage (scaled so that the parts add up to the step).
  const critLayers = p.pp === 1 ? m.layers : layersPerStage;
  const critMoe = Math.round(critLayers * fracMoe);
  const critDense = critLayers - critMoe;
  const sum = (f: (c: LayerCost) => number) => critDense * f(dense) + critMoe * f(moe);
  const tpExp = sum((c) => c.tpS * (1 - tpHidden));
  const cpExp = sum((c) => c.cpExposedS);
  const epExp = sum((c) => c.epS);
  const kernelT = sum((c) => c.kernelS);
  const commInStage = tpExp + cpExp + epExp;
  const computePart = Math.max(0, criticalS - commInStage - kernelT);
  const exposed: CommByKind = {
    tp: microBatches * tpExp,
    cp: microBatches * cpExp,
    ep: microBatches * epExp,
    pp: microBatches * ppPerMb,
    dp: dpExposedS,
    zero: microBatches * zeroPerMbS,
  };
  const overlapped: CommByKind = {
    tp: microBatches * sum((c) => c.tpS * tpHidden),
    cp: microBatches * sum((c) => c.cpOverlappedS),
    ep: 0,
    pp: 0,
    dp: stepCommOverlapped,
    zero: microBatches * zeroOverlapPerMb,
  };

  // ---- FLOPs ---------------------------------------------------------------------------
  const tokensPerStep = training.globalBatch * s;
  const flopsPerToken = modelFlopsPerToken(m, s);
  const modelFlopsPerGpu = (flopsPerToken * tokensPerStep) / gpusUsed;
  const hwPerMbPerGpu = (nDense * dense.hwFlops + nMoe * moe.hwFlops) / p.pp + headHw / p.pp;
  const hwFlopsPerGpu = hwPerMbPerGpu * microBatches * (p.recompute === 'full' ? 1 : 1);
  const peak = gemmPeak;

  // ---- Memory on the heaviest device --------------------------------------------------------
  const sb = stateBytesPerParam(p.zeroStage, denseShards);
  const sbE = stateBytesPerParam(p.zeroStage, expertShards);
  const weights = heaviest.dense * sb.weights + heaviest.expert * sbE.weights + (fp8 ? heaviest.dense + heaviest.expert : 0);
  const grads = heaviest.dense * sb.gradients + heaviest.expert * sbE.gradients;
  const optim = heaviest.dense * sb.optimizer + heaviest.expert * sbE.optimizer;
  const inflight = inFlightMicroBatches(p, microBatches);
  const firstLayers = p.pp === 1 ? m.layers : layersPerStage;
  const firstMoe = Math.max(0, firstLayers - Math.min(nDense, firstLayers));
  const actOpts = { fp8, unfusedAttention };
  const perMbAct =
    (firstLayers - firstMoe) * layerActivationBytes(m, p, s, false, actOpts) +
    firstMoe * layerActivationBytes(m, p, s, true, actOpts) +
    (2 * tokens * h) / spDiv;
  let activations = perMbAct * inflight;
  // Full recomputation rebuilds one layer's activations at a time during backward.
  if (p.recompute === 'full') activations += layerActivationBytes(m, { ...p, recompute: 'none' }, s, nMoe > 0, actOpts);
  const logitsTransient = p.pp === 1 ? ((tokens * m.vocab) / p.tp) * 6 : 0;
  const zero3Gather = p.zeroStage >= 3 ? (2 * 2 * (attnP + (nMoe > 0 ? routerP + sharedP + ((m.moe?.experts ?? 0) * expertP) / p.ep : denseP))) / p.tp : 0;
  const workspace = WORKSPACE_GIB * GIB + FRAGMENTATION * activations + logitsTransient + zero3Gather;
  const totalBytes = weights + grads + optim + activations + workspace;
  const usableGiB = gpu.hbmGB * USABLE_HBM_FRACTION;

  const est: Estimate = {
    stepTimeS,
    tokensPerStep,
    tokensPerSec: tokensPerStep / stepTimeS,
    tokensPerSecPerGpu: tokensPerStep / stepTimeS / gpusUsed,
    modelTflopsPerGpu: modelFlopsPerGpu / stepTimeS / 1e12,
    hardwareTflopsPerGpu: hwFlopsPerGpu / stepTimeS / 1e12,
    mfu: modelFlopsPerGpu / stepTimeS / peak,
    hfu: hwFlopsPerGpu / stepTimeS / peak,
    peakTflops: peak / 1e12,
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
    breakdown: {
      computeS: microBatches * computePart,
      exposedCommS: exposed,
      bubbleS,
      optimizerS,
      otherS: microBatches * kernelT,
    },
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

export type { Network };
