import type { ParallelPlan } from '../../spec/types.js';
import { GIB, USABLE_HBM_FRACTION } from '../constants.js';
import { modelFlopsPerToken, paramCounts } from '../flops.js';
import type { LayerPhase } from '../layer/layer-phase.js';
import { routeOf } from '../collectives.js';
import type { CommByKind, Estimate, NetworkReport } from '../result.js';
import type { StepParts } from './step-phase.js';

/** Build the full result of a plan from its layer phase and step phase. */
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
  // MoE imbalance sits inside the compute and EP terms; it is reported on its own.
  const imbS = critDense * dense.imbalanceS + st.critMoe * moe.imbalanceS;
  const imbEpS = critDense * dense.imbalanceEpS + st.critMoe * moe.imbalanceEpS;
  const computeS = Math.max(0, st.criticalS - tpExp - cpExp - epExp - kernelS - (imbS - imbEpS));
  // What the schedule hides (DualPipe's overlapped pairs) comes off exposed EP, then PP.
  const hiddenEp = Math.min(mb * epExp, st.scheduleHiddenS);
  const hiddenPp = Math.min(mb * st.ppPerMbS, st.scheduleHiddenS - hiddenEp);
  const exposed: CommByKind = { tp: mb * tpExp, cp: mb * cpExp, ep: Math.max(0, mb * (epExp - imbEpS) - hiddenEp), pp: mb * st.ppPerMbS - hiddenPp, dp: st.dpExposedS, zero: mb * st.zeroPerMbS };
  const overlapped: CommByKind = {
    tp: mb * tpRaw * tpHidden,
    cp: mb * (critDense * dense.cpOverlappedS + st.critMoe * moe.cpOverlappedS),
    ep: mb * (critDense * dense.epOverlappedS + st.critMoe * moe.epOverlappedS) + hiddenEp,
    pp: hiddenPp,
    dp: Math.max(0, st.dpCommS - st.dpExposedS), // the SM contention of the hidden part is counted in dpExposedS
    zero: mb * st.zeroHiddenPerMbS,
  };
  const net = L.net;
  const h = m.hidden;
  const routes: NetworkReport['routes'] = {
    tp: routeOf(net, 'reduce-scatter', p.tp, 1, L.tokens * h * 2),
    // Ulysses' all-to-all reaches the group's top tier; a ring (or a2a+p2p's outer ring) hands off point to point.
    cp: (p.cpComm ?? L.stack.cpExchange) === 'a2a' ? routeOf(net, 'all-to-all', p.cp, p.tp, L.tokens * h * 2) : routeOf(net, 'p2p', p.cp, p.tp, L.tokens * h),
    ep: p.ep > 1 && m.moe ? { ...routeOf(net, 'all-to-all', p.ep, 1, L.tokens * h * 2), ...(p.epDispatch === 'deepep' ? { algorithm: 'deepep' } : {}) } : routeOf(net, 'all-to-all', 1, 1, 0),
    pp: routeOf(net, 'p2p', p.pp, p.tp * p.cp * p.dp, L.tokens * h * 2),
    dp: routeOf(net, p.zeroStage === 0 ? 'all-reduce' : 'reduce-scatter', p.dp * p.cp, p.tp, st.heavyDense * 4),
    zero: routeOf(net, 'reduce-scatter', p.zeroStage >= 2 ? p.dp * p.cp : 1, p.tp, st.heavyDense * 2),
  };
  const exposedByTierS: Record<string, number> = {};
  for (const name of net.topo.names) exposedByTierS[name] = 0;
  for (const k of Object.keys(exposed) as (keyof CommByKind)[]) {
    const tier = routes[k].tier;
    if (exposed[k] > 0 && tier !== 'none') exposedByTierS[tier] = (exposedByTierS[tier] ?? 0) + exposed[k];
  }
  const tokensPerStep = training.globalBatch * training.seqLen;
  const flopsPerToken = modelFlopsPerToken(m, training.seqLen);
  const causalFlopsPerToken = modelFlopsPerToken(m, training.seqLen, true);
  const modelFlopsPerGpu = (causalFlopsPerToken * tokensPerStep) / gpusUsed;
  const fullAttnFlopsPerGpu = (flopsPerToken * tokensPerStep) / gpusUsed;
  const bf16Peak = system.gpu.bf16Tflops * 1e12;
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
    mfuBf16: modelFlopsPerGpu / stepTimeS / bf16Peak,
    mfuFullAttention: fullAttnFlopsPerGpu / stepTimeS / L.gemmPeak,
    hfu: hwFlopsPerGpu / stepTimeS / L.gemmPeak,
    peakTflops: L.gemmPeak / 1e12,
    modelFlopsPerToken: flopsPerToken,
    modelFlopsPerTokenCausal: causalFlopsPerToken,
    pipeline: { schedule: st.schedule, microBatches: mb, pipelineS: st.pipelineS, bubbleS: st.bubbleS, hiddenCommS: st.scheduleHiddenS, inFlightMicroBatches: st.inFlight, peakMemoryStage: st.heavyDevice },
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
    breakdown: { computeS: mb * computeS, exposedCommS: exposed, bubbleS: st.bubbleS, optimizerS: st.optimizerS, otherS: mb * kernelS, moeImbalanceS: mb * imbS, stragglerS: st.stragglerS },
    overlappedCommS: overlapped,
    network: { fabric: net.fabric.id, tiers: [...net.topo.names], routes, exposedByTierS },
    parallel: p,
    gpusUsed,
    microBatchesPerStep: mb,
    paramsTotal: counts.total,
    paramsActive: counts.activeMatmul,
  };
  if (training.tokens !== undefined) est.timeToTrainDays = training.tokens / est.tokensPerSec / 86400;
  return est;
}
