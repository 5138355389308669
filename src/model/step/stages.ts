import { layersTime, type LayerPhase } from '../layer/layer-phase.js';

/** Pipeline devices the preallocated per-device arrays hold before they grow. */
const INITIAL_STAGES = 128;

/**
 * How the layers fall on the pipeline devices and what one micro-batch costs on each: the
 * hand-off from per-layer costs to the schedule. The L layers are spread as evenly as
 * possible: ⌊L/pp⌋ on the first device (it also holds the embedding), one more on the middle
 * devices that take the remainder, and the last device (LM head) gets ⌊L/pp⌋ unless every
 * other stage already has one more. The leading dense layers of an MoE model fill the first
 * devices. DualPipe puts stage d and stage pp−1−d on device d.
 */
export interface StageLoad {
  pp: number;
  /** Layers on the busiest device, and on the first and the last. */
  layersPerStage: number;
  firstLayers: number;
  lastLayers: number;
  /** Per device (index < pp): layers, dense layers among them, parameters (replicated, experts). */
  layers: Float64Array;
  denseLayers: Float64Array;
  denseParams: Float64Array;
  expertParams: Float64Array;
  /** Per device: seconds of one micro-batch (forward + backward, send/recv included). */
  stageS: Float64Array;
  /** Per device: exposed expert-parallel and send/recv seconds per micro-batch (DualPipe hides them). */
  commS: Float64Array;
  /** Per device: all EP dispatch/combine seconds per micro-batch. */
  epRawS: Float64Array;
  criticalS: number;
  /** The device whose micro-batch takes longest, its layers and the dense ones among them. */
  critDevice: number;
  critLayers: number;
  critDense: number;
  avgStageS: number;
  /** Parameters on the device with the most: replicated over the data-parallel group, and experts. */
  heavyDense: number;
  heavyExpert: number;
  /** Whether each device holds two stages (DualPipe). */
  twoStages: boolean;
  /** Per device, per micro-batch: forward, input-gradient backward, weight-gradient backward, DualPipe's overlapped pair (filled by `splitStages`). */
  fS: Float64Array;
  bS: Float64Array;
  wS: Float64Array;
  fbS: Float64Array;
  /** What the arrays were last computed for (search re-lays the same stages for every dp and ZeRO stage). */
  key: { L: LayerPhase | undefined; pp: number; commPerMbS: number; twoStages: boolean };
}

export function newStageLoad(capacity = INITIAL_STAGES): StageLoad {
  const f = () => new Float64Array(capacity);
  return {
    pp: 0, layersPerStage: 0, firstLayers: 0, lastLayers: 0, layers: f(), denseLayers: f(), denseParams: f(), expertParams: f(),
    stageS: f(), commS: f(), epRawS: f(), criticalS: 0, critDevice: 0, critLayers: 0, critDense: 0, avgStageS: 0, heavyDense: 0, heavyExpert: 0, twoStages: false,
    fS: f(), bS: f(), wS: f(), fbS: f(), key: { L: undefined, pp: 0, commPerMbS: -1, twoStages: false },
  };
}

/** Grow the per-device arrays of `out` to hold `pp` devices. */
function ensureCapacity(out: StageLoad, pp: number): void {
  if (out.layers.length >= pp) return;
  const n = newStageLoad(Math.max(pp, 2 * out.layers.length));
  out.layers = n.layers;
  out.denseLayers = n.denseLayers;
  out.denseParams = n.denseParams;
  out.expertParams = n.expertParams;
  out.stageS = n.stageS;
  out.commS = n.commS;
  out.epRawS = n.epRawS;
  out.fS = n.fS;
  out.bS = n.bS;
  out.wS = n.wS;
  out.fbS = n.fbS;
  out.key.L = undefined;
}

/**
 * Split each device's micro-batch time into forward, input-gradient and weight-gradient parts
 * (the shares of the layers' own split) and time DualPipe's overlapped forward-and-backward
 * pair: both halves' compute, their EP and send/recv hidden except for the SMs the
 * communication kernels take (`commSmShare` of the EP traffic).
 */
function splitStages(st: StageLoad, fwdShare: number, weightShare: number, commSmShare: number): void {
  for (let d = 0; d < st.pp; d++) {
    const t = st.stageS[d] as number;
    st.fS[d] = t * fwdShare;
    st.wS[d] = t * weightShare;
    st.bS[d] = t - (st.fS[d] as number) - (st.wS[d] as number);
    st.fbS[d] = t - (st.commS[d] as number) + commSmShare * (st.epRawS[d] as number);
  }
}

/** Layers on stage i of pp for L layers (the even layout above). */
export function stageLayers(L: number, pp: number, i: number): number {
  if (pp === 1) return L;
  const base = Math.floor(L / pp);
  const r = L - base * pp;
  if (i === 0) return base;
  if (i === pp - 1) return r === pp - 1 ? base + 1 : base;
  return i <= r ? base + 1 : base;
}

/**
 * Lay the model's layers on `pp` devices and time one micro-batch on each; `commPerMbS` is
 * the send/recv time per micro-batch of a device. Writes into `out`, allocates nothing.
 */
export function stageLoad(L: LayerPhase, pp: number, commPerMbS: number, twoStages: boolean, out: StageLoad): StageLoad {
  const k = out.key;
  if (k.L === L && k.pp === pp && k.commPerMbS === commPerMbS && k.twoStages === twoStages) return out;
  const m = L.spec.model;
  const { tp, ep } = L.lp;
  ensureCapacity(out, pp);
  const vh = m.vocab * m.hidden;
  let denseLeft = L.nDense;
  let critical = 0;
  let sum = 0;
  let heavy = -1;
  const epDense = L.dense.epS;
  const epMoe = L.moe.epS;
  // Per model stage first (times, parameters), then folded onto devices for DualPipe.
  for (let i = 0; i < pp; i++) {
    const n = stageLayers(m.layers, pp, i);
    const dn = Math.min(denseLeft, n);
    denseLeft -= dn;
    const emb = (i === 0 ? 1 : 0) + (i === pp - 1 ? 1 : 0);
    let t = layersTime(L, n, dn) + (i === 0 ? L.embedS : 0) + (i === pp - 1 ? L.headS : 0);
    if (pp > 1) t += commPerMbS;
    out.layers[i] = n;
    out.denseLayers[i] = dn;
    out.denseParams[i] = (n * L.attnParams + dn * L.denseMlpParams + (n - dn) * L.moeDenseParams + emb * vh) / tp;
    out.expertParams[i] = ((n - dn) * L.moeExpertParams) / ep;
    out.stageS[i] = t;
    out.commS[i] = dn * epDense + (n - dn) * epMoe + (pp > 1 ? commPerMbS : 0);
    out.epRawS[i] = dn * L.dense.epRawS + (n - dn) * L.moe.epRawS;
  }
  if (twoStages && pp > 1) {
    // Device d runs stage d for one direction and stage pp−1−d for the other: half the
    // micro-batches each, both stages' parameters.
    for (let d = 0; d < pp / 2; d++) {
      const e = pp - 1 - d;
      const avg = (a: Float64Array) => {
        const v = ((a[d] as number) + (a[e] as number)) / 2;
        a[d] = v;
        a[e] = v;
      };
      const both = (a: Float64Array) => {
        const v = (a[d] as number) + (a[e] as number);
        a[d] = v;
        a[e] = v;
      };
      avg(out.stageS);
      avg(out.commS);
      avg(out.epRawS);
      both(out.layers);
      both(out.denseLayers);
      both(out.denseParams);
      both(out.expertParams);
    }
  }
  let maxLayers = 0;
  let crit = 0;
  for (let i = 0; i < pp; i++) {
    const t = out.stageS[i] as number;
    sum += t;
    if (t > critical) {
      critical = t;
      crit = i;
    }
    const n = out.layers[i] as number;
    if (n > maxLayers) maxLayers = n;
    if (heavy < 0 || (out.denseParams[i] as number) + (out.expertParams[i] as number) > (out.denseParams[heavy] as number) + (out.expertParams[heavy] as number)) heavy = i;
  }
  out.pp = pp;
  out.twoStages = twoStages && pp > 1;
  out.layersPerStage = maxLayers;
  out.firstLayers = out.layers[0] as number;
  out.lastLayers = out.layers[pp - 1] as number;
  out.criticalS = critical;
  out.critDevice = crit;
  out.critLayers = (out.layers[crit] as number) / (out.twoStages ? 2 : 1);
  out.critDense = (out.denseLayers[crit] as number) / (out.twoStages ? 2 : 1);
  out.avgStageS = sum / pp;
  out.heavyDense = out.denseParams[heavy] as number;
  out.heavyExpert = out.expertParams[heavy] as number;
  splitStages(out, L.fwdShare, L.weightShare, L.commSmShare);
  k.L = L;
  k.pp = pp;
  k.commPerMbS = commPerMbS;
  k.twoStages = twoStages;
  return out;
}
