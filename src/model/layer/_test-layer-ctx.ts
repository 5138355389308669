// Test fixtures for one layer's cost (layer-cost-kill.test.ts, layer-comm-kill.test.ts): toy models
// whose every GEMM and byte count can be worked out by hand, and a LayerCtx whose clock is linear.
import { parseSpecValue } from '../../spec/index.js';
import type { ModelConfig } from '../../spec/types.js';
import { networkOf } from '../collectives.js';
import type { MoeBalancer } from '../variability/moe-imbalance.js';
import { resolveStack, type ResolvedStack } from '../stack/resolve.js';
import type { AttentionCost } from './attention.js';
import { GemmClock } from './gemm-clock.js';
import type { LayerCtx } from './layer-cost.js';
import { defaultEfficiency } from './layer-phase.js';
import type { LayerPlan } from './layer-plan.js';

const parsed = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 64 }, training: { seqLen: 4096, globalBatch: 64 }, parallel: { tp: 8, pp: 1, dp: 8, microBatch: 1 } });
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const spec = parsed.spec;
/** A real H100 stack, efficiency model and network (for the fields the toy cases leave alone). */
export const baseStack: ResolvedStack = resolveStack(spec.training, spec.system.gpu);
export const baseEff = defaultEfficiency(spec.system.gpu);
export const baseNet = networkOf(spec.system, baseEff);

/** GQA: 4 heads of 2, 2 KV heads, hidden 8, gated MLP of 16. QKV 8→16, output 8→8. */
export const GQA: ModelConfig = { name: 'toy-gqa', layers: 2, hidden: 8, heads: 4, kvHeads: 2, headDim: 2, ffnHidden: 16, gatedMlp: true, vocab: 32 };
/**
 * MLA: hidden 8, 2 heads of 4 (2 of them RoPE), query latent 4, KV latent 2, value heads 2.
 * Projections: q-down 8→4 (none), q-up 4→8 (out, up), kv-down 8→4 (none), kv-up 2→8 (out, up),
 * output 4→8 (in).
 */
export const MLA: ModelConfig = { name: 'toy-mla', layers: 2, hidden: 8, heads: 2, kvHeads: 2, headDim: 4, ffnHidden: 16, gatedMlp: true, vocab: 32, mla: { qLoraRank: 4, kvLoraRank: 2, qkRopeDim: 2, vHeadDim: 2 } };
/** GQA attention with 4 routed experts of 6 (top-2) and 2 shared experts, balanced routing. */
export const MOE: ModelConfig = { ...GQA, name: 'toy-moe', moe: { experts: 4, topK: 2, ffnHidden: 6, sharedExperts: 2, denseLayers: 0, balancer: 'balanced' } };

export const ZERO_ATTN: AttentionCost = { fwdFlops: 0, fwdS: 0, bwdS: 0 };
/** Distinct weights per element-wise family so that each term shows. */
export const EW = { normResidual: 1, rope: 3, activation: 5, kernels: 0 };

export function plan(over: Partial<LayerPlan> = {}): LayerPlan {
  return { tp: 2, cp: 1, ep: 1, microBatch: 1, sequenceParallel: true, recompute: 'none', tpCommOverlap: false, ...over };
}

export interface CtxOpts {
  /** GEMM FLOP/s (Infinity: GEMMs take no time but still count FLOPs and kernels). */
  peak: number;
  /** Element-wise bytes/s (Infinity: element-wise and dispatch work take no time). */
  hbm: number;
  tokens?: number;
  spDiv?: number;
  kernelS?: number;
  fp8?: boolean;
  unfused?: boolean;
  attn?: AttentionCost;
  stack?: Partial<ResolvedStack>;
  routingGroups?: { count: number; topK: number };
  moeBalancer?: MoeBalancer;
  commSmShare?: number;
}

/**
 * A layer context with a linear GEMM clock (no shape penalty, no memory term: a GEMM of
 * 2·M·N·K·count FLOPs takes exactly that ÷ peak), no host launch cost, and the element-wise
 * weights EW (casts: `stack.fp8CastBytes`, 0 unless given).
 */
export function ctx(m: ModelConfig, p: LayerPlan, o: CtxOpts): LayerCtx {
  return {
    m, p,
    eff: { ...baseEff, kernelS: o.kernelS ?? 0 },
    net: baseNet,
    clock: new GemmClock(o.peak, 1, 0, 1, 0),
    seqLen: 16,
    tokens: o.tokens ?? 4,
    spDiv: o.spDiv ?? (p.sequenceParallel ? p.tp : 1),
    fp8: o.fp8 ?? false,
    hbmBps: o.hbm,
    unfused: o.unfused ?? false,
    attn: o.attn ?? ZERO_ATTN,
    commSmShare: o.commSmShare ?? 0.1,
    routingGroups: o.routingGroups,
    stack: { ...baseStack, elementwise: EW, hostPerKernelS: 0, fp8CastBytes: 0, fp8WeightCastPerMicroBatch: false, selective: 'megatron', fp8Activations: 'gemm-inputs', ...o.stack },
    moeBalancer: o.moeBalancer,
  };
}
