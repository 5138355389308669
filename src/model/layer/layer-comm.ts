import { allToAllS, dispatchS, reduceScatterS } from '../collectives.js';
import { attentionGatherWidth } from '../flops.js';
import { cpCommCost } from './cp-comm.js';
import type { LayerCompute, LayerCtx } from './layer-cost.js';

/** One layer's communication for one micro-batch: TP collectives, CP ring, EP dispatch/combine. */
export interface LayerComm {
  /** TP collectives, forward and backward (the part hidden by TP overlap is applied later). */
  tpS: number;
  cpExposedS: number;
  cpOverlappedS: number;
  /** Expert-parallel dispatch/combine on the critical path, and the part hidden by epCommOverlap. */
  epS: number;
  epOverlappedS: number;
  /** All expert-parallel dispatch/combine of the layer, hidden or not (what DualPipe overlaps). */
  epRawS: number;
}

/** Communication of one layer and what of it its own compute hides. */
export function layerComm(c: LayerCtx, comp: LayerCompute): LayerComm {
  const { m, p, tokens, net } = c;
  const h = m.hidden;
  // Tensor parallelism: with SP an all-gather and a reduce-scatter around attention and around
  // the MLP, forward and backward (without SP, the same bytes as all-reduces); full
  // recomputation repeats the forward ones.
  // MLA's attention-side all-gather carries its latents, not the hidden state.
  const tpPassS = p.tp > 1 ? 3 * reduceScatterS(net, tokens * h * 2, p.tp, 1) + reduceScatterS(net, tokens * attentionGatherWidth(m) * 2, p.tp, 1) : 0;
  const tpS = tpPassS * (p.recompute === 'full' ? 3 : 2);
  // Context parallelism: the plan's exchange (else the stack's), cp-comm.ts.
  const cpc = cpCommCost(net, m, p, p.cpComm ?? c.stack.cpExchange, tokens, c.attn.fwdS + c.attn.bwdS);
  const cpExposedS = cpc.exposedS;
  const cpOverlappedS = cpc.overlappedS;
  // Expert parallelism: one dispatch or combine over the expert-parallel group (BF16 token
  // copies); dispatch and combine forward, their gradients backward, and the forward pair
  // again when full recomputation replays the layer. With epCommOverlap the forward pair of
  // one micro-batch runs under the backward compute of another (and vice versa).
  let epPassS = 0;
  if (comp.moe && m.moe) {
    const routed = (tokens / p.tp) * m.moe.topK;
    epPassS = p.epDispatch === 'deepep' ? dispatchS(net, tokens / p.tp, m.moe.topK, h * 2, p.ep, c.routingGroups) : allToAllS(net, routed * h * 2, p.ep, 1);
    // The exchange ends when the busiest rank has received its (loadFactor× the mean) tokens.
    epPassS *= comp.loadFactor;
  }
  const epFwdS = (p.recompute === 'full' ? 4 : 2) * epPassS;
  const epBwdS = 2 * epPassS;
  // The communication kernels run on SMs taken from the compute they hide behind, which slows
  // by that share while they run.
  const epRawS = epFwdS + epBwdS;
  let epS = epRawS;
  let epOverlappedS = 0;
  if (p.epCommOverlap && epS > 0) {
    const exposed = Math.max(0, epFwdS - comp.bwdS) + Math.max(0, epBwdS - comp.fwdS);
    epOverlappedS = epS - exposed;
    epS = exposed + epOverlappedS * c.commSmShare;
  }
  return { tpS, cpExposedS, cpOverlappedS, epS, epOverlappedS, epRawS };
}
