import { layersTime, type LayerPhase } from '../layer/layer-phase.js';

/**
 * How the layers fall on the pipeline stages and what one micro-batch costs on each: the
 * hand-off from per-layer costs to the schedule. ceil(L/pp) layers on the busiest stage;
 * leading dense layers on the first; the embedding on the first, the LM head on the last.
 */
export interface StageLoad {
  pp: number;
  /** Layers on a middle stage (the busiest), on the first, and on the last. */
  layersPerStage: number;
  baseLayers: number;
  lastLayers: number;
  /** Dense (non-MoE) layers on the first and on a middle stage. */
  firstDense: number;
  midDense: number;
  /** Seconds of one micro-batch (forward + backward) on the first, a middle and the last stage. */
  firstS: number;
  midS: number;
  lastS: number;
  criticalS: number;
  avgStageS: number;
  /** Parameters on the heaviest device: replicated over the data-parallel group, and experts. */
  heavyDense: number;
  heavyExpert: number;
}

export function newStageLoad(): StageLoad {
  return { pp: 0, layersPerStage: 0, baseLayers: 0, lastLayers: 0, firstDense: 0, midDense: 0, firstS: 0, midS: 0, lastS: 0, criticalS: 0, avgStageS: 0, heavyDense: 0, heavyExpert: 0 };
}

/** Lay the model's layers on `pp` stages; writes into `out`, allocates nothing. */
export function stageLoad(L: LayerPhase, pp: number, out: StageLoad): StageLoad {
  const m = L.spec.model;
  const { tp, ep } = L.lp;
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

  // Parameters on the heaviest device: first (embedding), a middle one, or the last (LM head).
  const vh = m.vocab * m.hidden;
  let heavyDense = stageDenseParams(L, pp === 1 ? m.layers : baseLayers, firstDense, pp === 1 ? 2 : 1, vh, tp);
  let heavyExpert = ((pp === 1 ? L.nMoe : baseLayers - firstDense) * L.moeExpertParams) / ep;
  if (pp > 1) {
    const midD = stageDenseParams(L, layersPerStage, midDense, 0, vh, tp);
    const midE = ((layersPerStage - midDense) * L.moeExpertParams) / ep;
    if (midD + midE > heavyDense + heavyExpert) {
      heavyDense = midD;
      heavyExpert = midE;
    }
    const lastD = stageDenseParams(L, lastLayers, 0, 1, vh, tp);
    const lastE = (lastLayers * L.moeExpertParams) / ep;
    if (lastD + lastE > heavyDense + heavyExpert) {
      heavyDense = lastD;
      heavyExpert = lastE;
    }
  }
  out.pp = pp;
  out.layersPerStage = layersPerStage;
  out.baseLayers = baseLayers;
  out.lastLayers = lastLayers;
  out.firstDense = firstDense;
  out.midDense = midDense;
  out.firstS = firstS;
  out.midS = midS;
  out.lastS = lastS;
  out.criticalS = criticalS;
  out.avgStageS = avgStageS;
  out.heavyDense = heavyDense;
  out.heavyExpert = heavyExpert;
  return out;
}

/** Non-expert parameters per GPU of a stage of `n` layers, `dn` of them dense, with `emb` vocab matrices. */
function stageDenseParams(L: LayerPhase, n: number, dn: number, emb: number, vocabHidden: number, tp: number): number {
  return (n * L.attnParams + dn * L.denseMlpParams + (n - dn) * L.moeDenseParams + emb * vocabHidden) / tp;
}
