import { defaultEfficiency, layerPhase, newStepParts, stepPhase, usableHbmBytes, type EfficiencyModel } from '../model/index.js';
import type { GpuPool, ParallelPlan, Spec } from '../spec/types.js';
import type { MixedEstimate, PoolShare } from './types.js';

const GIB = 2 ** 30;

export function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Spec of one pool on its own (same fabric, its own GPU and count). */
export function poolSpec(spec: Spec, pool: GpuPool): Spec {
  const { pools: _pools, ...system } = spec.system;
  return { ...spec, system: { ...system, gpu: pool.gpu, gpus: pool.gpus } };
}

/**
 * Data-parallel replicas of one plan on every pool; each pool's replicas run `m_i` micro-batches
 * per step with Σ D_i·m_i·b = globalBatch, chosen to minimise the slowest pool's time (the step is
 * synchronous: everyone waits at the gradient reduction). With one pool this is exactly the
 * homogeneous estimate. `memoryMargin` is a fraction of usable HBM kept free.
 */
export function evaluateReplicas(spec: Spec, plan: ParallelPlan, memoryMargin = 0, effFor?: (pool: GpuPool) => EfficiencyModel): MixedEstimate | undefined {
  const pools = spec.system.pools ?? [{ gpu: spec.system.gpu, gpus: spec.system.gpus }];
  const { tp, pp, cp, ep, microBatch: b } = plan;
  const B = spec.training.globalBatch;
  if (B % b !== 0) return undefined;
  const N = B / b; // micro-batches per step, all replicas together
  const step = ep / gcd(ep, tp * cp); // replicas come in multiples of this (ep divides tp·cp·D)
  const replicas = pools.map((q) => Math.floor(q.gpus / (tp * pp * cp) / step) * step);
  const phases = pools.map((q) => {
    const s = poolSpec(spec, q);
    return { s, L: layerPhase(s, plan, effFor?.(q) ?? defaultEfficiency(q.gpu)), limit: usableHbmBytes(q.gpu) * (1 - memoryMargin) };
  });
  const st = newStepParts();
  const memo = new Map<number, { t: number; bytes: number }>();
  /** Time and memory of pool i running m micro-batches per replica (memoised). */
  const poolTime = (i: number, m: number): { t: number; bytes: number } => {
    const D = replicas[i] as number;
    const ph = phases[i];
    if (!ph || D === 0 || m === 0) return { t: 0, bytes: 0 };
    const key = i * 1e6 + m;
    const hit = memo.get(key);
    if (hit) return hit;
    stepPhase(ph.L, pp, plan.vpp, D, plan.zeroStage, m, st, plan.schedule);
    const r = { t: st.stepTimeS, bytes: st.totalBytes };
    memo.set(key, r);
    return r;
  };
  // Choose replicas D_i ≤ the pool's capacity and micro-batches per replica m_i with
  // Σ D_i·m_i = N. The step depends on the m_i only (a replica's time), so search the m_i by
  // increasing pace and take, for each, the largest replica counts that fit the batch exactly.
  let counts: number[] | undefined;
  let used: number[] | undefined;
  if (pools.length === 1) {
    const D = replicas[0] as number;
    if (D > 0 && N % D === 0) {
      counts = [N / D];
      used = [D];
    }
  } else if (pools.length === 2) {
    const [max0, max1] = replicas as [number, number];
    let bestT = Infinity;
    const mMax = Math.min(N, 64);
    for (let m0 = 0; m0 <= mMax; m0++) {
      for (let m1 = 0; m1 <= mMax; m1++) {
        if (m0 === 0 && m1 === 0) continue;
        const a = m0 > 0 ? poolTime(0, m0) : { t: 0, bytes: 0 };
        const c = m1 > 0 ? poolTime(1, m1) : { t: 0, bytes: 0 };
        const t = Math.max(a.t, c.t);
        if (t >= bestT) continue;
        if (a.bytes > (phases[0]?.limit ?? 0) || c.bytes > (phases[1]?.limit ?? 0)) continue;
        const d = solveReplicas(N, m0, m1, max0, max1, step);
        if (!d) continue;
        bestT = t;
        counts = [m0, m1];
        used = d;
      }
    }
  } else {
    // More than two pools: micro-batches in proportion to per-replica speed, the remainder to
    // the fastest pool (an approximation; two pools are searched exactly).
    const speed = pools.map((_, i) => ((replicas[i] as number) > 0 ? 1 / Math.max(poolTime(i, 1).t, 1e-12) : 0));
    const total = speed.reduce((x, y, i) => x + y * (replicas[i] as number), 0);
    const m = speed.map((v) => Math.floor((N * v) / total));
    const left = N - m.reduce((x, y, i) => x + y * (replicas[i] as number), 0);
    const fastest = speed.indexOf(Math.max(...speed));
    const Df = replicas[fastest] as number;
    if (Df > 0 && left % Df === 0) {
      m[fastest] = (m[fastest] as number) + left / Df;
      counts = m;
      used = [...replicas];
    }
  }
  if (!counts || !used) return undefined;
  const D_ = used;
  let stepTimeS = 0;
  const shares: PoolShare[] = pools.map((q, i) => {
    const m = counts[i] as number;
    const r = poolTime(i, m);
    stepTimeS = Math.max(stepTimeS, r.t);
    const D = m > 0 ? (D_[i] as number) : 0;
    const limit = phases[i]?.limit ?? 0;
    return {
      gpu: q.gpu.id, gpus: q.gpus, gpusUsed: D * tp * pp * cp, replicas: D, microBatchesPerReplica: m, recompute: plan.recompute,
      busyS: r.t, memoryGiB: r.bytes / GIB, usableGiB: usableHbmBytes(q.gpu) / GIB, fits: r.bytes <= limit,
    };
  });
  const gpusUsed = shares.reduce((n, x) => n + x.gpusUsed, 0);
  const tokensPerSec = (B * spec.training.seqLen) / stepTimeS;
  const busy = shares.reduce((n, x) => n + x.busyS * x.gpusUsed, 0);
  return {
    mode: 'replicas',
    parallel: { ...plan, dp: shares.reduce((n, x) => n + x.replicas, 0) },
    stepTimeS,
    tokensPerSec,
    tokensPerSecPerGpu: tokensPerSec / gpusUsed,
    gpusUsed,
    fits: shares.every((x) => x.fits),
    pools: shares,
    idleFraction: 1 - busy / (stepTimeS * gpusUsed),
  };
}

/**
 * Largest replica counts D0 ≤ max0, D1 ≤ max1 (multiples of `unit`) with D0·m0 + D1·m1 = N,
 * preferring to fill pool 0; undefined if none.
 */
export function solveReplicas(N: number, m0: number, m1: number, max0: number, max1: number, unit: number): [number, number] | undefined {
  if (m0 === 0) return m1 > 0 && N % m1 === 0 && N / m1 <= max1 && (N / m1) % unit === 0 ? [0, N / m1] : undefined;
  if (m1 === 0) return N % m0 === 0 && N / m0 <= max0 && (N / m0) % unit === 0 ? [N / m0, 0] : undefined;
  const top = Math.floor(Math.min(max0, Math.floor(N / m0)) / unit) * unit;
  // D0 and D0 − k·unit·m1/g give the same residue mod m1: at most m1 tries.
  for (let D0 = top, tries = 0; D0 >= unit && tries <= m1; D0 -= unit, tries++) {
    const rest = N - D0 * m0;
    if (rest <= 0 || rest % m1 !== 0) continue;
    const D1 = rest / m1;
    if (D1 <= max1 && D1 % unit === 0) return [D0, D1];
    if (D1 > max1) return undefined; // fewer D0 only makes D1 larger
  }
  return undefined;
}
