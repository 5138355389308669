import type { ModelConfig } from '../../spec/types.js';
import type { Network } from '../collectives.js';
import type { EfficiencyModel } from '../efficiency.js';
import type { ResolvedStack } from '../stack/resolve.js';
import { attentionShape } from '../flops.js';
import type { AttentionCost } from './attention.js';
import type { GemmClock } from './gemm-clock.js';
import { moeLoadFactor, type MoeBalancer } from '../variability/moe-imbalance.js';
import { layerComm, type LayerComm } from './layer-comm.js';
import { emptyDispatchCost, moeDispatchCost, type MoeDispatchInput } from './moe-dispatch.js';
import type { LayerPlan } from './layer-plan.js';

// Scratch objects of the dispatch cost: plan search evaluates layers on a hot path that allocates nothing.
const DISPATCH_IN: MoeDispatchInput = { routerTokens: 0, tokens: 0, experts: 0, topK: 0, hidden: 0, localExperts: 0, epDispatch: 'alltoall', auxLoss: false, groupLimited: false };
const DISPATCH_OUT = emptyDispatchCost();

/** Per-GPU cost of one layer for one micro-batch, seconds (its communication terms: `LayerComm`). */
export interface LayerCost extends LayerComm {
  fwdS: number;
  /** Backward, including recomputation. */
  bwdS: number;
  /** The weight-gradient GEMMs inside `bwdS` (deferrable by a zero-bubble schedule). */
  bwdWeightS: number;
  hwFlops: number;
  kernelS: number;
  /**
   * What MoE load imbalance adds to this layer on the busiest expert-parallel rank (its extra
   * expert GEMMs and the extra tokens it receives), inside fwdS/bwdS and epS above.
   */
  imbalanceS: number;
  /** The part of `imbalanceS` that is expert-parallel communication (inside epS). */
  imbalanceEpS: number;
}

/** Everything a layer's cost depends on, fixed for one layer phase. */
export interface LayerCtx {
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
  attn: AttentionCost;
  /** Share of the GPU's SMs that overlapped expert-parallel communication kernels occupy. */
  commSmShare: number;
  /** Group-limited routing of the MoE layers, if any. */
  routingGroups: { count: number; topK: number } | undefined;
  /** The software stack's facts for this GPU. */
  stack: ResolvedStack;
  /** The run's balancer when it overrides the model's. */
  moeBalancer: MoeBalancer | undefined;
}

/** One layer's compute for one micro-batch: GEMMs, attention, element-wise kernels, recomputation. */
export interface LayerCompute {
  fwdS: number;
  bwdS: number;
  bwdWeightS: number;
  hwFlops: number;
  kernelS: number;
  /** Whether the layer is an MoE layer (then it dispatches tokens over the EP group). */
  moe: boolean;
  /** Busiest expert-parallel rank's routed tokens ÷ the mean (1 for dense layers). */
  loadFactor: number;
  /** The extra expert-GEMM time that imbalance puts on the busiest rank (inside fwdS/bwdS). */
  imbalanceS: number;
}

/** Compute of one dense or MoE layer on one GPU for one micro-batch. */
export function layerCompute(c: LayerCtx, moeLayer: boolean): LayerCompute {
  const { m, p, clock, tokens, spDiv, eff } = c;
  const h = m.hidden;
  const mats = m.gatedMlp ? 3 : 2;
  const st = c.stack;
  const ew = st.elementwise;
  const castPerElem = c.fp8 ? st.fp8CastBytes : 0; // quantise each FP8 GEMM input (the recipe's passes)
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
  // Eager PyTorch moves more bytes for the same work (EAGER_ELEMENTWISE).
  let elemBytes = (ew.normResidual * 10 * tokens * h * 2) / spDiv;
  if (m.mla) elemBytes += ew.rope * 2 * tokens * ((m.heads * m.mla.qkRopeDim) / p.tp + m.mla.qkRopeDim) * 2 + (ew.normResidual * 2 * tokens * (m.mla.qLoraRank + m.mla.kvLoraRank) * 2) / spDiv;
  else elemBytes += (ew.rope * 2 * tokens * (m.heads + m.kvHeads) * m.headDim * 2) / p.tp;
  elemBytes += castPerElem * tokens * castElems;
  const moe = moeLayer && m.moe !== undefined;
  let loadFactor = 1;
  let imbFwdS = 0;
  let imbBwdS = 0;
  let swigluBytes = 0; // the experts' activation function (fine-grained FP8 replays it without recomputation)
  // Router, permutations and combine (moe-dispatch.ts): memory-bound, with their own launches.
  let dispFwdS = 0;
  let dispBwdS = 0;
  let dispFwdKernels = 0;
  let dispBwdKernels = 0;
  if (moeLayer && m.moe) {
    const mo = m.moe;
    clock.fwdBwd(tokens / spDiv, mo.experts, h, 1); // router (replicated weights, SP-split tokens)
    const routed = (tokens / p.tp) * mo.topK; // token copies this GPU's experts process (expert TP = 1)
    const perExpert = (routed * p.ep) / mo.experts; // the mean load; the busiest rank's below
    const localExperts = mo.experts / p.ep;
    const f0 = clock.fwdS;
    const b0 = clock.bwdS;
    clock.fwdBwd(perExpert, (mats - 1) * mo.ffnHidden, h, localExperts);
    clock.fwdBwd(perExpert, h, mo.ffnHidden, localExperts);
    // Load imbalance (variability/moe-imbalance): the step waits for the busiest rank, whose
    // expert GEMMs run loadFactor× the mean tokens (linear in M at these sizes).
    loadFactor = moeLoadFactor(c.moeBalancer ?? mo.balancer ?? 'aux-loss', mo.experts, p.ep, routed, mo.capacityFactor);
    imbFwdS = (loadFactor - 1) * (clock.fwdS - f0);
    imbBwdS = (loadFactor - 1) * (clock.bwdS - b0);
    const x = DISPATCH_IN;
    x.routerTokens = tokens / spDiv;
    x.tokens = tokens / p.tp;
    x.experts = mo.experts;
    x.topK = mo.topK;
    x.hidden = h;
    x.localExperts = localExperts;
    x.epDispatch = p.epDispatch ?? 'alltoall';
    // The router computes the auxiliary loss when the run balances with it: the run's balancer
    // overrides the model's, except `balanced` (routing forced to balance, a benchmark's), which
    // says nothing of the loss.
    const run = c.moeBalancer === 'balanced' ? undefined : c.moeBalancer;
    x.auxLoss = (run ?? mo.balancer ?? 'aux-loss') === 'aux-loss';
    x.groupLimited = c.routingGroups !== undefined;
    const disp = moeDispatchCost(x, DISPATCH_OUT);
    dispFwdS = disp.fwdBytes / c.hbmBps;
    dispBwdS = disp.bwdBytes / c.hbmBps;
    dispFwdKernels = disp.fwdKernels;
    dispBwdKernels = disp.bwdKernels;
    // The busiest rank re-sorts loadFactor× the mean received copies.
    imbFwdS += ((loadFactor - 1) * disp.receivedFwdBytes) / c.hbmBps;
    imbBwdS += ((loadFactor - 1) * disp.receivedBwdBytes) / c.hbmBps;
    if (mo.sharedExperts > 0) {
      const fs = mo.sharedExperts * mo.ffnHidden;
      clock.fwdBwd(tokens, ((mats - 1) * fs) / p.tp, h, 1);
      clock.fwdBwd(tokens, h, fs / p.tp, 1);
      elemBytes += (ew.activation * mats * tokens * fs * 2) / p.tp + (castPerElem * tokens * (h + fs)) / p.tp;
      swigluBytes += (ew.activation * mats * tokens * fs * 2) / p.tp;
    }
    swigluBytes += ew.activation * mats * routed * mo.ffnHidden * 2;
    // Activation of the routed copies, casts (their permutations: dispFwdS/dispBwdS).
    elemBytes += ew.activation * mats * routed * mo.ffnHidden * 2 + castPerElem * routed * (h + mo.ffnHidden);
  } else {
    clock.fwdBwd(tokens, ((mats - 1) * m.ffnHidden) / p.tp, h, 1);
    clock.fwdBwd(tokens, h, m.ffnHidden / p.tp, 1);
    elemBytes += (ew.activation * mats * tokens * m.ffnHidden * 2) / p.tp + (castPerElem * tokens * (h + m.ffnHidden)) / p.tp;
  }
  // Stacks that keep no FP8 weight copy cast the (gathered) BF16 weights every micro-batch:
  // read 2 B, write the FP8 copy and its transpose (1 B each) per GEMM weight element.
  if (c.fp8 && st.fp8WeightCastPerMicroBatch) elemBytes += 4 * (clock.flops / 3 / 2 / tokens);
  const elemFwdS = elemBytes / c.hbmBps;
  const fwdKernels = clock.kernels / 3 + ew.kernels;
  const kernelFwdS = fwdKernels * eff.kernelS;
  const gemmFwdS = clock.fwdS;
  // The host launches every kernel; without CUDA graphs the GPU waits where the host falls
  // behind (forward: one launch per kernel; backward: about two).
  const hostFwdS = (fwdKernels + 1) * st.hostPerKernelS;
  const dispFwdKernelS = dispFwdKernels * eff.kernelS;
  const dispBwdKernelS = dispBwdKernels * eff.kernelS;
  const fwdS = Math.max(clock.fwdS + imbFwdS + c.attn.fwdS + elemFwdS + kernelFwdS + dispFwdS + dispFwdKernelS, hostFwdS + dispFwdKernels * st.hostPerKernelS);
  let bwdS = Math.max(clock.bwdS + imbBwdS + c.attn.bwdS + 2 * elemFwdS + 2 * kernelFwdS + dispBwdS + dispBwdKernelS, 2 * hostFwdS + dispBwdKernels * st.hostPerKernelS);
  const imbalanceS = imbFwdS + imbBwdS + (p.recompute === 'full' ? imbFwdS : 0);
  let hw = clock.flops + 3 * c.attn.fwdFlops;
  if (p.recompute === 'full') {
    bwdS += fwdS;
    hw += clock.flops / 3 + c.attn.fwdFlops;
  } else if (p.recompute === 'none' && c.fp8 && st.fp8Activations === 'fine-grained') {
    // DeepSeek-V3 §3.3.3: the experts cache the SwiGLU input and recompute its output.
    bwdS += swigluBytes / c.hbmBps;
  } else if (p.recompute === 'selective' && st.selective === 'op-sac') {
    // torchtitan's per-op policy: every other matmul and every element-wise op is recomputed
    // (attention outputs are kept).
    bwdS += 0.5 * gemmFwdS + elemFwdS;
    hw += clock.flops / 6;
  } else if (p.recompute === 'selective') {
    if (c.unfused) {
      // Megatron's original selective recomputation: the attention core.
      bwdS += c.attn.fwdS;
      hw += c.attn.fwdFlops;
    } else {
      // With flash attention the attention core keeps nothing large; selective recomputation
      // recomputes the norms and the activation function instead (memory-bound kernels).
      bwdS += 0.5 * elemFwdS;
    }
    // And MLA's up-projections (Megatron-Core's `mla_up_proj`: only the latents are kept).
    bwdS += upProjFwdS;
    hw += upProjFlops;
  }
  return { fwdS, bwdS, bwdWeightS: clock.bwdWeightS, hwFlops: hw, kernelS: 3 * kernelFwdS + dispFwdKernelS + dispBwdKernelS, moe, loadFactor, imbalanceS };
}

/** One layer's full cost: its compute and the communication it waits for. */
export function layerCost(c: LayerCtx, moeLayer: boolean): LayerCost {
  const comp = layerCompute(c, moeLayer);
  const comm = layerComm(c, comp);
  return {
    fwdS: comp.fwdS, bwdS: comp.bwdS, bwdWeightS: comp.bwdWeightS, hwFlops: comp.hwFlops, kernelS: comp.kernelS,
    tpS: comm.tpS, cpExposedS: comm.cpExposedS, cpOverlappedS: comm.cpOverlappedS, epS: comm.epS, epOverlappedS: comm.epOverlappedS, epRawS: comm.epRawS,
    imbalanceS: comp.imbalanceS + comm.epS * (1 - 1 / comp.loadFactor),
    imbalanceEpS: comm.epS * (1 - 1 / comp.loadFactor),
  };
}
