import { usableHbmBytes } from '../model/index.js';
import { search, type SearchOptions } from '../search/index.js';
import type { ParallelPlan, Recompute, Spec } from '../spec/types.js';
import { evaluatePipeline } from './pipeline.js';
import { evaluateReplicas, poolSpec } from './replicas.js';
import type { FleetMode, MixedEstimate, MixedSearchResult } from './types.js';

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function homogeneous(spec: Spec): Spec {
  const { pools: _pools, ...system } = spec.system;
  return { ...spec, system };
}

function planKey(p: ParallelPlan): string {
  return [p.tp, p.pp, p.cp, p.ep, p.vpp, p.microBatch, p.sequenceParallel, p.recompute, p.zeroStage].join('/');
}

/**
 * Best plans for a mixed fleet (`system.pools`), in each of the four ways to use it, with the
 * gains of the best over running the pools as separate jobs and over treating every GPU as the
 * slowest. Candidate plan shapes come from the homogeneous search on each pool's GPU at the
 * fleet's size; each is then laid out as per-pool replicas and as cross-pool pipelines.
 */
export interface MixedSearchOptions extends SearchOptions {
  /** Candidate plan shapes per search (default 6). */
  candidates?: number;
  /** Ways to compare (default all four). */
  modes?: readonly FleetMode[];
  /** Fewer candidate searches (the slowest GPU's only): for re-planning inside a campaign. */
  quick?: boolean;
}

export function searchMixed(spec: Spec, opts: MixedSearchOptions = {}): MixedSearchResult {
  const t0 = now();
  const pools = spec.system.pools ?? [];
  if (pools.length < 2) throw new Error('searchMixed needs a system with at least two pools');
  const margin = opts.memoryMargin ?? 0.05;
  const nCand = opts.candidates ?? 6;
  const best: Partial<Record<FleetMode, MixedEstimate>> = {};
  let evaluated = 0;

  // As the slowest GPU: one homogeneous job on every GPU. Its top plans are also candidates.
  const slowRun = search(homogeneous(spec), { ...opts, top: nCand });
  const slow = slowRun.plans[0];
  if (slow) {
    best['as-slowest'] = {
      mode: 'as-slowest', parallel: slow.parallel, stepTimeS: slow.estimate.stepTimeS, tokensPerSec: slow.estimate.tokensPerSec,
      tokensPerSecPerGpu: slow.estimate.tokensPerSecPerGpu, gpusUsed: slow.gpusUsed, fits: true, idleFraction: 0,
      pools: pools.map((q) => ({
        gpu: q.gpu.id, gpus: q.gpus, gpusUsed: Math.round((slow.gpusUsed * q.gpus) / spec.system.gpus), replicas: 0, recompute: slow.parallel.recompute,
        busyS: slow.estimate.stepTimeS, memoryGiB: slow.estimate.memory.totalGiB, usableGiB: usableHbmBytes(q.gpu) / 2 ** 30, fits: true,
      })),
    };
  }

  // Separate jobs: each pool trains on its own, the global batch split in proportion to the
  // pools' sizes (the same tokens per step as one job on the whole fleet).
  const modes = new Set<FleetMode>(opts.modes ?? ['replicas', 'pipeline', 'separate', 'as-slowest']);
  const separate = !modes.has('separate') ? [] : pools.map((q) => {
    const s = poolSpec(spec, q);
    const batch = Math.max(1, Math.round((spec.training.globalBatch * q.gpus) / spec.system.gpus));
    return search({ ...s, training: { ...s.training, globalBatch: batch } }, { ...opts, top: 1 }).plans[0];
  });
  if (separate.length > 0 && separate.every((p) => p)) {
    const jobs = separate as NonNullable<(typeof separate)[number]>[];
    const tokensPerSec = jobs.reduce((n, p) => n + p.estimate.tokensPerSec, 0);
    const gpusUsed = jobs.reduce((n, p) => n + p.gpusUsed, 0);
    best.separate = {
      mode: 'separate', parallel: jobs[0]!.parallel, stepTimeS: Math.max(...jobs.map((p) => p.estimate.stepTimeS)), tokensPerSec,
      tokensPerSecPerGpu: tokensPerSec / gpusUsed, gpusUsed, fits: true, idleFraction: 0,
      pools: jobs.map((p, i) => ({
        gpu: pools[i]!.gpu.id, gpus: pools[i]!.gpus, gpusUsed: p.gpusUsed, replicas: p.parallel.dp, microBatchesPerReplica: p.estimate.microBatchesPerStep,
        recompute: p.parallel.recompute, busyS: p.estimate.stepTimeS, memoryGiB: p.estimate.memory.totalGiB, usableGiB: p.estimate.memory.usableGiB, fits: true,
      })),
    };
  }

  // Candidate plan shapes from the homogeneous search on each pool's GPU at the fleet's size,
  // also at 4× the batch: shapes whose replicas run several micro-batches, which is
  // where pools of different speed can be given different shares.
  const candidates = new Map<string, ParallelPlan>();
  for (const p of slowRun.plans) candidates.set(planKey(p.parallel), p.parallel);
  const h = homogeneous(spec);
  const slowGpu = spec.system.gpu;
  for (const q of pools) {
    if (opts.quick && q.gpu !== slowGpu) continue;
    for (const k of q.gpu === slowGpu ? [4] : [1, 4]) {
      const s = { ...h, system: { ...h.system, gpu: q.gpu }, training: { ...h.training, globalBatch: h.training.globalBatch * k } };
      for (const p of search(s, { ...opts, top: nCand }).plans) candidates.set(planKey(p.parallel), p.parallel);
    }
  }
  const consider = (e: MixedEstimate | undefined) => {
    evaluated++;
    if (!e || !e.fits) return;
    const cur = best[e.mode];
    if (!cur || e.tokensPerSec > cur.tokensPerSec) best[e.mode] = e;
  };
  const larger = (pools[1]!.gpu.hbmGB > pools[0]!.gpu.hbmGB ? 1 : 0) as 0 | 1;
  const total = spec.system.gpus;
  for (const plan of candidates.values()) {
    if (modes.has('replicas')) consider(evaluateReplicas(spec, plan, margin));
    if (!modes.has('pipeline') || pools.length !== 2 || plan.pp < 2) continue;
    const share = pools[larger]!.gpus / total;
    const centre = Math.round(plan.pp * share);
    const recs: Recompute[] = [...new Set<Recompute>([plan.recompute, 'none', 'selective'])];
    for (let pA = Math.max(1, centre - 1); pA <= Math.min(plan.pp - 1, centre + 1); pA++) {
      const even = Math.floor(spec.model.layers / plan.pp);
      for (let lA = Math.max(1, even - 1); lA <= Math.min(2 * even + 1, spec.model.layers - (plan.pp - pA)); lA++)
        for (const rec of recs) consider(evaluatePipeline(spec, plan, { firstPool: larger, firstStages: pA, firstLayersPerStage: lA, firstRecompute: rec }, margin));
    }
  }

  const ranking = (Object.keys(best) as FleetMode[]).sort((x, y) => (best[y]?.tokensPerSec ?? 0) - (best[x]?.tokensPerSec ?? 0));
  const top = ranking[0] ? best[ranking[0]] : undefined;
  const gain = (m: FleetMode) => (top && best[m] ? top.tokensPerSec / (best[m] as MixedEstimate).tokensPerSec - 1 : null);
  const explanation: string[] = [];
  for (const mode of ranking) {
    const e = best[mode] as MixedEstimate;
    const pools = e.pools.map((x) => `${x.gpusUsed.toLocaleString('en-US')} ${x.gpu}${x.microBatchesPerReplica !== undefined && mode === 'replicas' ? ` (${x.microBatchesPerReplica} micro-batches/replica)` : ''}${x.layersPerStage !== undefined ? ` (${x.stages} stages × ${x.layersPerStage} layers, ${x.recompute})` : ''}`).join(' + ');
    explanation.push(`${mode}: ${(e.tokensPerSec / 1e6).toFixed(2)} M tokens/s on ${pools}${e.idleFraction > 0.005 ? `, ${(e.idleFraction * 100).toFixed(1)}% waiting for the slower pool` : ''}`);
  }
  return { best, ranking, gainOverSeparate: gain('separate'), gainOverAsSlowest: gain('as-slowest'), explanation, elapsedS: (now() - t0) / 1000, evaluated };
}
