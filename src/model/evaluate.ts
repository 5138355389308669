import type { GpuSpec } from '../catalog/gpu.js';
import type { ModelConfig, ParallelPlan, ResolvedSpec } from '../spec/types.js';
import { allReduceS, allToAllS, dispatchS, networkOf, reduceScatterS, sendRecvS, type Network } from './collectives.js';
import { efficiencyFor, gemmPeakTflops, type EfficiencyModel } from './efficiency.js';
import { attentionGatherWidth, attentionParams, attentionShape, denseLayerCount, denseMlpParams, expertParams, modelFlopsPerToken, moeLayerCount, paramCounts } from './flops.js';
import { gradientBytes, inFlightMicroBatches, layerActivationBytes, stateBytesPerParam } from './memory.js';
import type { CommByKind, Estimate } from './result.js';

const GIB = 2 ** 30;
/** HBM capacities are sold in binary units: an "80 GB" H100 shows 81,559 MiB (0.9956 of 80 GiB). */
const USABLE_HBM_FRACTION = 0.9956;
/** CUDA context, cuBLAS/NCCL workspaces and communication buffers, GiB (general measurement). */
export const WORKSPACE_GIB = 2.5;
/** Caching-allocator fragmentation, as a fraction of activation memory (assumption). */
export const FRAGMENTATION = 0.08;
/** Element-wise kernels per layer forward (norms, residual adds, activation, RoPE, casts). */
const ELEMENTWISE_KERNELS = 12;
/** Adam step and gradient-norm pass: bytes read and written per local parameter (FP32 state). */
export const OPTIMIZER_BYTES_PER_PARAM = 36;

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
  /** Expert-parallel dispatch/combine on the critical path, and the part hidden by epCommOverlap. */
  epS: number;
  epOverlappedS: number;
}

/** Everything a layer's cost depends on, computed once per evaluation. */
interface Ctx {
  m: ModelConfig;
  p: LayerPlan;
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
  /** Share of the GPU's SMs that overlapped expert-parallel communication kernels occupy. */
  commSmShare: number;
  /** Group-limited routing of the MoE layers, if any. */
  routingGroups: { count: number; topK: number } | undefined;
}

/** SMs a dispatch/combine kernel occupies while overlapped (Megatron-Core's DeepEP default: 20). */
const COMM_SMS = 20;

/** Attention core: flash (causal blocks skipped, nothing s×s in HBM) or unfused. */
function attentionCost(c: Ctx, bf16Peak: number): void {
  const { m, p, seqLen: s } = c;
  const { qkDim, vDim } = attentionShape(m);
  const scores = (p.microBatch * s * s * m.heads) / (p.cp * p.tp); // score elements per GPU
  if (c.unfused) {
    // Full s×s scores by batched GEMMs (heads·micro-batch of s×s×d), then scale-mask-softmax
    // as memory-bound kernels: write scores, read them, write probabilities (2+2+2 B); the
    // backward reads probabilities and their gradients (×2). No attention dropout.
    c.attnFwdFlops = 2 * scores * (qkDim + vDim);
    const batched = (p.microBatch * m.heads) / p.tp;
    c.clock.reset();
    c.clock.fwdBwd(s / p.cp, s, qkDim, batched); // Q·Kᵀ
    c.clock.fwdBwd(s / p.cp, vDim, s, batched); // P·V
    const softmaxFwdS = (6 * scores) / c.hbmBps;
    c.attnFwdS = c.clock.fwdS + softmaxFwdS;
    c.attnBwdS = c.clock.bwdS + 2 * softmaxFwdS;
  } else {
    const attnEff = c.eff.attentionFwd * (s / (s + c.eff.attentionHalfSeq));
    c.attnFwdFlops = 2 * scores * (qkDim + vDim) * 0.5;
    c.attnFwdS = c.attnFwdFlops / (bf16Peak * attnEff);
    c.attnBwdS = c.attnFwdS * c.eff.attentionBwdRatio;
  }
}

function layerCost(c: Ctx, moeLayer: boolean): LayerCost {
  const { m, p, clock, tokens, spDiv, eff, net } = c;
  const h = m.hidden;
  const mats = m.gatedMlp ? 3 : 2;
  const castPerElem = c.fp8 ? 3 : 0; // read BF16, write FP8 before each FP8 GEMM
  const attn = attentionShape(m);
  clock.reset();
  // Attention projections (QKV and output; MLA's down- and up-projections). MLA's up-projections
  // are what its selective recomputation replays in the backward.
  let upProjFwdS = 0;
  let upProjFlops = 0;
  let castElems = h / p.tp; // with the GEMM inputs below: (2h + heads·headDim)/tp for GQA
  for (const x of attn.projections) {
    const before = clock.fwdS;
    const flopsBefore = clock.flops;
    if (x.split === 'out') clock.fwdBwd(tokens, x.outDim / p.tp, x.inDim, 1);
    else if (x.split === 'in') clock.fwdBwd(tokens, x.outDim, x.inDim / p.tp, 1);
    else clock.fwdBwd(tokens / spDiv, x.outDim, x.inDim, 1);
    if (x.upProj) {
      upProjFwdS += clock.fwdS - before;
      upProjFlops += (clock.flops - flopsBefore) / 3;
    }
    castElems += x.split === 'none' ? x.inDim / spDiv : x.inDim / p.tp;
  }
  // Memory-bound bytes moved forward: 2 norms (2h each) and 2 residual adds (3h each), RoPE on
  // Q and K (MLA: on their RoPE parts only, plus the two latent norms), casts before the GEMMs,
  // the MLP activation function.
  let elemBytes = (10 * tokens * h * 2) / spDiv;
  if (m.mla) elemBytes += 2 * tokens * ((m.heads * m.mla.qkRopeDim) / p.tp + m.mla.qkRopeDim) * 2 + (2 * tokens * (m.mla.qLoraRank + m.mla.kvLoraRank) * 2) / spDiv;
  else elemBytes += (2 * tokens * (m.heads + m.kvHeads) * m.headDim * 2) / p.tp;
  elemBytes += castPerElem * tokens * castElems;
  let epPassS = 0;
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
    // One dispatch or combine over the expert-parallel group (BF16 token copies).
    epPassS = p.epDispatch === 'deepep' ? dispatchS(net, tokens / p.tp, mo.topK, h * 2, p.ep, c.routingGroups) : allToAllS(net, routed * h * 2, p.ep, 1);
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
    // And MLA's up-projections (Megatron-Core's `mla_up_proj`: only the latents are kept).
    bwdS += upProjFwdS;
    hw += upProjFlops;
  }
  // Tensor parallelism: with SP an all-gather and a reduce-scatter around attention and around
  // the MLP, forward and backward (without SP, the same bytes as all-reduces); full
  // recomputation repeats the forward ones.
  // MLA's attention-side all-gather carries its latents, not the hidden state.
  const tpPassS = p.tp > 1 ? 3 * reduceScatterS(net, tokens * h * 2, p.tp, 1) + reduceScatterS(net, tokens * attentionGatherWidth(m) * 2, p.tp, 1) : 0;
  const tpS = tpPassS * (p.recompute === 'full' ? 3 : 2);
  // Context parallelism: ring exchange of K and V (backward: also their gradients), hidden
  // behind the attention blocks it feeds.
  let cpExposedS = 0;
  let cpOverlappedS = 0;
  if (p.cp > 1) {
    const kvBytes = (2 * tokens * (m.mla ? m.heads * (attn.qkDim + attn.vDim) : 2 * m.kvHeads * m.headDim)) / p.tp;
    const commS = (p.cp - 1) * sendRecvS(net, kvBytes, p.tp * p.cp > net.domain) * (3 + (p.recompute === 'full' ? 1 : 0));
    cpExposedS = Math.max(0, commS - c.attnFwdS - c.attnBwdS);
    cpOverlappedS = commS - cpExposedS;
  }
  // Expert parallelism: dispatch and combine forward, their gradients backward, and the forward
  // pair again when full recomputation replays the layer. With epCommOverlap the forward pair
  // of one micro-batch runs under the backward compute of another (and vice versa).
  const epFwdS = (p.recompute === 'full' ? 4 : 2) * epPassS;
  const epBwdS = 2 * epPassS;
  // The communication kernels run on SMs taken from the compute they hide behind, which slows
  // by that share while they run.
  let epS = epFwdS + epBwdS;
  let epOverlappedS = 0;
  if (p.epCommOverlap && epS > 0) {
    const exposed = Math.max(0, epFwdS - bwdS) + Math.max(0, epBwdS - fwdS);
    epOverlappedS = epS - exposed;
    epS = exposed + epOverlappedS * c.commSmShare;
  }
  return { fwdS, bwdS, hwFlops: hw, kernelS: 3 * kernelFwdS, tpS, cpExposedS, cpOverlappedS, epS, epOverlappedS };
}

/** Critical-path time of `n` layers of which `denseN` are dense. */
function layersTime(lp: LayerPhase, n: number, denseN: number): number {
  return denseN * lp.denseLayerS + (n - denseN) * lp.moeLayerS;
}

const effCache = new WeakMap<GpuSpec, EfficiencyModel>();
/** The GPU's default efficiency model, built once per GPU object. */
export function defaultEfficiency(gpu: GpuSpec): EfficiencyModel {
  let e = effCache.get(gpu);
  if (!e) effCache.set(gpu, (e = efficiencyFor(gpu)));
  return e;
}

/** The plan fields that shape one layer's cost (everything but pp, vpp, dp and ZeRO). */
export type LayerPlan = Pick<ParallelPlan, 'tp' | 'cp' | 'ep' | 'microBatch' | 'sequenceParallel' | 'recompute' | 'tpCommOverlap' | 'epDispatch' | 'epCommOverlap'>;

/**
 * Phase 1 of an evaluation: per-layer costs for one micro-batch on one GPU. They depend on
 * tp, cp, ep, the micro-batch, SP and recomputation, not on pp, vpp, dp or ZeRO, so plan search
 * computes them once and reuses them across all pipeline and data-parallel choices.
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
}

export function layerPhase(spec: Omit<ResolvedSpec, 'parallel'>, lp: LayerPlan, eff: EfficiencyModel): LayerPhase {
  const { model: m, system, training } = spec;
  const gpu = system.gpu;
  const s = training.seqLen;
  const fp8 = training.precision === 'fp8' && gpu.fp8Tflops !== undefined;
  const gemmPeak = gemmPeakTflops(gpu, training.precision) * 1e12;
  const hbmBps = gpu.hbmTBps * 1e12 * eff.hbm;
  const operandBytes = fp8 ? 1 : 2;
  const d0 = eff.gemmShapeFactor * (gemmPeak / (gpu.hbmTBps * 1e12)) * (operandBytes / 2);
  const net = networkOf(system, eff);
  const tokens = (lp.microBatch * s) / lp.cp;
  const spDiv = lp.sequenceParallel ? lp.tp : 1;
  const tpHidden = lp.tpCommOverlap && lp.tp > 1 ? eff.tpOverlap : 0;
  const clock = new GemmClock(gemmPeak, fp8 ? eff.gemmMaxFp8 : eff.gemmMaxBf16, d0, hbmBps, operandBytes);
  const p = lp;
  const routingGroups = m.moe?.routingGroups !== undefined && m.moe.groupTopK !== undefined ? { count: m.moe.routingGroups, topK: m.moe.groupTopK } : undefined;
  const commSmShare = COMM_SMS / (gpu.smCount ?? 132);
  const ctx: Ctx = { m, p, eff, net, clock, seqLen: s, tokens, spDiv, fp8, hbmBps, unfused: training.attention === 'unfused', attnFwdFlops: 0, attnFwdS: 0, attnBwdS: 0, commSmShare, routingGroups };
  attentionCost(ctx, gpu.bf16Tflops * 1e12);
  const dense = layerCost(ctx, false);
  const moe = m.moe ? layerCost(ctx, true) : dense;
  const one = (x: LayerCost) => x.fwdS + x.bwdS + x.tpS * (1 - tpHidden) + x.cpExposedS + x.epS;

  clock.reset();
  clock.fwdBwd(tokens, m.vocab / lp.tp, m.hidden, 1);
  const lossBytes = ((tokens * m.vocab) / lp.tp) * 4 * 3; // FP32 logits: softmax, loss, gradient
  const headS = clock.fwdS + clock.bwdS + lossBytes / hbmBps + (lp.recompute === 'full' ? clock.fwdS : 0);
  const actOpts = { fp8, unfusedAttention: ctx.unfused };
  const mo = m.moe;
  return {
    spec, lp, eff, net, fp8, unfused: ctx.unfused, gemmPeak, hbmBps, tokens, spDiv, tpHidden, dense, moe,
    denseLayerS: one(dense),
    moeLayerS: one(moe),
    nDense: denseLayerCount(m),
    nMoe: moeLayerCount(m),
    headS,
    headHw: clock.flops,
    embedS: (tokens * m.hidden * 2 * 3) / spDiv / hbmBps,
    actDense: layerActivationBytes(m, p, s, false, actOpts),
    actMoe: mo ? layerActivationBytes(m, p, s, true, actOpts) : 0,
    actRecomputeLayer: lp.recompute === 'full' ? layerActivationBytes(m, { ...p, recompute: 'none' }, s, mo !== undefined, actOpts) : 0,
    attnParams: attentionParams(m),
    denseMlpParams: denseMlpParams(m),
    moeDenseParams: mo ? m.hidden * mo.experts + mo.sharedExperts * expertParams(m) : 0,
    moeExpertParams: mo ? mo.experts * expertParams(m) : 0,
  };
}

/** Phase 2 output: the step and memory of one full plan. Reused by search (no allocation). */
export interface StepParts {
  microBatches: number;
  criticalS: number;
  ppPerMbS: number;
  bubbleS: number;
  dpCommS: number;
  dpExposedS: number;
  zeroPerMbS: number;
  zeroHiddenPerMbS: number;
  optimizerS: number;
  stepTimeS: number;
  critLayers: number;
  critMoe: number;
  heavyDense: number;
  heavyExpert: number;
  weightsBytes: number;
  gradBytes: number;
  optimBytes: number;
  activationBytes: number;
  workspaceBytes: number;
  totalBytes: number;
}

export function newStepParts(): StepParts {
  return {
    microBatches: 0, criticalS: 0, ppPerMbS: 0, bubbleS: 0, dpCommS: 0, dpExposedS: 0, zeroPerMbS: 0, zeroHiddenPerMbS: 0,
    optimizerS: 0, stepTimeS: 0, critLayers: 0, critMoe: 0, heavyDense: 0, heavyExpert: 0,
    weightsBytes: 0, gradBytes: 0, optimBytes: 0, activationBytes: 0, workspaceBytes: 0, totalBytes: 0,
  };
}

/**
 * Phase 2: pipeline stages, data parallelism, ZeRO, optimizer and memory for one plan, from the
 * layer phase. Writes into `out`; allocates nothing.
 */
export function stepPhase(L: LayerPhase, pp: number, vpp: number, dp: number, zeroStage: number, out: StepParts): StepParts {
  const { model: m, training } = L.spec;
  const { tp, cp, ep } = L.lp;
  const net = L.net;
  const eff = L.eff;
  const microBatches = training.globalBatch / (dp * L.lp.microBatch);

  // Pipeline stages: ceil(L/pp) layers on the busiest; leading dense layers on the first.
  const layersPerStage = Math.ceil(m.layers / pp);
  const baseLayers = Math.floor(m.layers / pp);
  const lastLayers = m.layers - (pp - 1) * baseLayers;
  const fracMoe = L.nMoe / m.layers;
  const firstDense = Math.min(L.nDense, pp === 1 ? m.layers : baseLayers);
  const midDense = Math.min(layersPerStage, Math.round(layersPerStage * (1 - fracMoe)));
  let firstS: number;
  let midS: number;
  let lastS: number;
  if (pp === 1) {
    firstS = midS = lastS = layersTime(L, m.layers, L.nDense) + L.headS + L.embedS;
  } else {
    firstS = layersTime(L, baseLayers, firstDense) + L.embedS;
    midS = layersTime(L, layersPerStage, midDense);
    lastS = layersTime(L, Math.min(lastLayers, layersPerStage), 0) + L.headS;
  }
  const criticalS = Math.max(firstS, midS, lastS);
  const avgStageS = pp === 1 ? criticalS : (firstS + lastS + (pp - 2) * midS) / pp;
  // Send/recv: activations forward, gradients backward, per virtual stage; with TP only 1/tp is
  // sent and re-gathered on NVLink (Megatron's scatter-gather optimisation).
  const ppPerMbS = pp > 1 ? 2 * vpp * sendRecvS(net, (L.tokens * m.hidden * 2) / tp, tp * cp * dp >= net.domain) : 0;

  // Parameters on the heaviest device: first (embedding), a middle one, or the last (LM head).
  const stageDense = (n: number, dn: number, emb: number) => (n * L.attnParams + dn * L.denseMlpParams + (n - dn) * L.moeDenseParams + emb * m.vocab * m.hidden) / tp;
  let heavyDense = stageDense(pp === 1 ? m.layers : baseLayers, firstDense, pp === 1 ? 2 : 1);
  let heavyExpert = ((pp === 1 ? L.nMoe : baseLayers - firstDense) * L.moeExpertParams) / ep;
  if (pp > 1) {
    const midD = stageDense(layersPerStage, midDense, 0);
    const midE = ((layersPerStage - midDense) * L.moeExpertParams) / ep;
    if (midD + midE > heavyDense + heavyExpert) {
      heavyDense = midD;
      heavyExpert = midE;
    }
    const lastD = stageDense(lastLayers, 0, 1);
    const lastE = (lastLayers * L.moeExpertParams) / ep;
    if (lastD + lastE > heavyDense + heavyExpert) {
      heavyDense = lastD;
      heavyExpert = lastE;
    }
  }
  const stateParams = heavyDense + heavyExpert;

  // Data parallelism: gradient reduce-scatter + parameter all-gather (an all-reduce's bytes).
  // BF16 gradients with the distributed optimizer (Megatron's default), FP32 otherwise.
  const denseShards = dp * cp;
  const expertShards = Math.max(1, (dp * cp * tp) / ep);
  const grads = gradientBytes(training.gradPrecision, zeroStage);
  const gradWireBytes = grads.wire;
  let dpCommS = allReduceS(net, heavyDense * gradWireBytes, denseShards, tp) + (heavyExpert > 0 ? allReduceS(net, heavyExpert * gradWireBytes, expertShards, ep) : 0);
  let zeroPerMbS = 0;
  let zeroHiddenPerMbS = 0;
  if (zeroStage >= 3) {
    // ZeRO-3 gathers weights for forward and again for backward and reduce-scatters gradients
    // every micro-batch, as one flat ring over the data-parallel ranks: beyond one NVLink
    // domain every GPU's share crosses its own NIC (Narayanan et al. 2021, Table 2).
    const flatStride = denseShards * tp > net.domain ? net.domain : tp;
    const perMb = 3 * reduceScatterS(net, stateParams * 2, denseShards, flatStride);
    zeroHiddenPerMbS = eff.zeroOverlap * Math.min(perMb, criticalS);
    zeroPerMbS = perMb - zeroHiddenPerMbS;
    dpCommS = 0;
  } else if (zeroStage === 2) {
    // ZeRO-2 reduce-scatters gradients every micro-batch, behind its backward.
    const perMb = reduceScatterS(net, stateParams * gradWireBytes, denseShards, tp);
    zeroHiddenPerMbS = eff.zeroOverlap * Math.min(perMb, criticalS);
    zeroPerMbS = perMb - zeroHiddenPerMbS;
    dpCommS = reduceScatterS(net, stateParams * 2, denseShards, tp);
  }
  // Bucketed gradient reduction overlaps the last micro-batch's backward (one model chunk).
  const dpExposedS = Math.max(0, dpCommS - (eff.dpOverlap * criticalS * 2) / 3 / vpp);

  // Optimizer: Adam reads and writes FP32 master weights, moments and gradients.
  const sharded = zeroStage >= 1;
  const localParams = heavyDense / (sharded ? denseShards : 1) + heavyExpert / (sharded ? expertShards : 1);
  const optimizerS = (localParams * OPTIMIZER_BYTES_PER_PARAM) / L.hbmBps + 40 * eff.kernelS;

  const bubbleS = pp > 1 ? ((pp - 1) / vpp) * (avgStageS + ppPerMbS) : 0;
  const stepTimeS = microBatches * (criticalS + ppPerMbS + zeroPerMbS) + bubbleS + dpExposedS + optimizerS;

  // Memory on the heaviest device.
  const s = stateBytesPerParam(zeroStage, denseShards, grads.kept);
  const sE = stateBytesPerParam(zeroStage, expertShards, grads.kept);
  const weightsBytes = heavyDense * s.weights + heavyExpert * sE.weights + (L.fp8 ? stateParams : 0); // + FP8 weight copies
  const gradBytes = heavyDense * s.gradients + heavyExpert * sE.gradients;
  const optimBytes = heavyDense * s.optimizer + heavyExpert * sE.optimizer;
  const critLayers = pp === 1 ? m.layers : layersPerStage;
  const stageMoe = Math.max(0, critLayers - Math.min(L.nDense, critLayers));
  const perMbAct = (critLayers - stageMoe) * L.actDense + stageMoe * L.actMoe + (2 * L.tokens * m.hidden) / L.spDiv;
  const activationBytes = perMbAct * inFlightMicroBatches(pp, vpp, microBatches) + L.actRecomputeLayer;
  const logitsBytes = pp === 1 ? ((L.tokens * m.vocab) / tp) * 6 : 0;
  const zero3GatherBytes = zeroStage >= 3 ? (4 * stateParams) / Math.max(1, m.layers / pp) : 0; // two layers gathered
  const workspaceBytes = WORKSPACE_GIB * GIB + FRAGMENTATION * activationBytes + logitsBytes + zero3GatherBytes;

  out.microBatches = microBatches;
  out.criticalS = criticalS;
  out.ppPerMbS = ppPerMbS;
  out.bubbleS = bubbleS;
  out.dpCommS = dpCommS;
  out.dpExposedS = dpExposedS;
  out.zeroPerMbS = zeroPerMbS;
  out.zeroHiddenPerMbS = zeroHiddenPerMbS;
  out.optimizerS = optimizerS;
  out.stepTimeS = stepTimeS;
  out.critLayers = critLayers;
  out.critMoe = Math.round(critLayers * fracMoe);
  out.heavyDense = heavyDense;
  out.heavyExpert = heavyExpert;
  out.weightsBytes = weightsBytes;
  out.gradBytes = gradBytes;
  out.optimBytes = optimBytes;
  out.activationBytes = activationBytes;
  out.workspaceBytes = workspaceBytes;
  out.totalBytes = weightsBytes + gradBytes + optimBytes + activationBytes + workspaceBytes;
  return out;
}

/** Usable HBM of a GPU, bytes. */
export function usableHbmBytes(gpu: GpuSpec): number {
  return gpu.hbmGB * USABLE_HBM_FRACTION * GIB;
}

/**
 * Evaluate a fully resolved spec: step time, throughput, FLOP utilisation, memory and the
 * breakdown. Pure.
 */
export function evaluate(spec: ResolvedSpec, effIn?: EfficiencyModel): Estimate {
  const eff = effIn ?? defaultEfficiency(spec.system.gpu);
  const L = layerPhase(spec, spec.parallel, eff);
  const p = spec.parallel;
  return assembleEstimate(L, p, stepPhase(L, p.pp, p.vpp, p.dp, p.zeroStage, newStepParts()));
}

/** Build the full result of a plan from its two phases. */
export function assembleEstimate(L: LayerPhase, p: ParallelPlan, st: StepParts): Estimate {
  const { model: m, system, training } = L.spec;
  const { dense, moe, tpHidden } = L;
  const gpusUsed = p.tp * p.pp * p.dp * p.cp;
  const mb = st.microBatches;
  const critDense = st.critLayers - st.critMoe;
  const tpRaw = critDense * dense.tpS + st.critMoe * moe.tpS;
  const tpExp = tpRaw * (1 - tpHidden);
  const cpExp = critDense * dense.cpExposedS + st.critMoe * moe.cpExposedS;
  const epExp = critDense * dense.epS + st.critMoe * moe.epS;
  const kernelS = critDense * dense.kernelS + st.critMoe * moe.kernelS;
  const computeS = Math.max(0, st.criticalS - tpExp - cpExp - epExp - kernelS);
  const exposed: CommByKind = { tp: mb * tpExp, cp: mb * cpExp, ep: mb * epExp, pp: mb * st.ppPerMbS, dp: st.dpExposedS, zero: mb * st.zeroPerMbS };
  const overlapped: CommByKind = {
    tp: mb * tpRaw * tpHidden,
    cp: mb * (critDense * dense.cpOverlappedS + st.critMoe * moe.cpOverlappedS),
    ep: mb * (critDense * dense.epOverlappedS + st.critMoe * moe.epOverlappedS),
    pp: 0,
    dp: st.dpCommS - st.dpExposedS,
    zero: mb * st.zeroHiddenPerMbS,
  };
  const tokensPerStep = training.globalBatch * training.seqLen;
  const flopsPerToken = modelFlopsPerToken(m, training.seqLen);
  const modelFlopsPerGpu = (flopsPerToken * tokensPerStep) / gpusUsed;
  const hwFlopsPerGpu = ((L.nDense * dense.hwFlops + L.nMoe * moe.hwFlops + L.headHw) / p.pp) * mb;
  const stepTimeS = st.stepTimeS;
  const usableGiB = system.gpu.hbmGB * USABLE_HBM_FRACTION;
  const counts = paramCounts(m);
  const est: Estimate = {
    stepTimeS,
    tokensPerStep,
    tokensPerSec: tokensPerStep / stepTimeS,
    tokensPerSecPerGpu: tokensPerStep / stepTimeS / gpusUsed,
    modelTflopsPerGpu: modelFlopsPerGpu / stepTimeS / 1e12,
    hardwareTflopsPerGpu: hwFlopsPerGpu / stepTimeS / 1e12,
    mfu: modelFlopsPerGpu / stepTimeS / L.gemmPeak,
    hfu: hwFlopsPerGpu / stepTimeS / L.gemmPeak,
    peakTflops: L.gemmPeak / 1e12,
    modelFlopsPerToken: flopsPerToken,
    memory: {
      weightsGiB: st.weightsBytes / GIB,
      gradientsGiB: st.gradBytes / GIB,
      optimizerGiB: st.optimBytes / GIB,
      activationsGiB: st.activationBytes / GIB,
      workspaceGiB: st.workspaceBytes / GIB,
      totalGiB: st.totalBytes / GIB,
      usableGiB,
    },
    fits: st.totalBytes / GIB <= usableGiB,
    breakdown: { computeS: mb * computeS, exposedCommS: exposed, bubbleS: st.bubbleS, optimizerS: st.optimizerS, otherS: mb * kernelS },
    overlappedCommS: overlapped,
    parallel: p,
    gpusUsed,
    microBatchesPerStep: mb,
    paramsTotal: counts.total,
    paramsActive: counts.activeMatmul,
  };
  if (training.tokens !== undefined) est.timeToTrainDays = training.tokens / est.tokensPerSec / 86400;
  return est;
}
