import type { CampaignResult } from '../../src/campaign/campaign-result.js';

/**
 * Reading a stored campaign run for charts. The store guarantees `timeline`, `events`, `blobs` and a
 * JSON `summary`; the campaign's summary follows the `colossus run` contract (training, energy, cost,
 * milestones). Every reader here tolerates a missing field and says so instead of failing.
 */
export interface RunListing {
  id: string;
  createdAt: string;
  name: string;
  summary: unknown;
}

export interface StoredRun extends RunListing {
  scenario: unknown;
  timeline: { day: number; gpusOnline: Record<string, number> }[];
  events: { day: number; kind: string; data?: unknown }[];
  blobs: Record<string, unknown>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A number at a dotted path, or undefined. */
export function numAt(v: unknown, path: string): number | undefined {
  let cur: unknown = v;
  for (const k of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return typeof cur === 'number' && Number.isFinite(cur) ? cur : undefined;
}

function first(v: unknown, paths: readonly string[]): number | undefined {
  for (const p of paths) {
    const n = numAt(v, p);
    if (n !== undefined) return n;
  }
  return undefined;
}

export interface RunFigures {
  timeToModelDays: number | undefined;
  mfu: number | undefined;
  ettr: number | undefined;
  interruptions: number | undefined;
  energyMwh: number | undefined;
  peakMw: number | undefined;
  costUsd: number | undefined;
  peakGpus: number | undefined;
}

/** The headline numbers of a run's summary. */
export function runFigures(summary: unknown, timeline: StoredRun['timeline'] = []): RunFigures {
  const peak = timeline.reduce((m, p) => Math.max(m, Object.values(p.gpusOnline).reduce((a, b) => a + b, 0)), 0);
  return {
    timeToModelDays: first(summary, ['training.timeToModelDays', 'timeToModelDays']),
    mfu: first(summary, ['training.mfu', 'mfu']),
    ettr: first(summary, ['training.ettr', 'ettr']),
    interruptions: first(summary, ['training.interruptions', 'interruptions', 'training.interruptions.total', 'interruptions.total']),
    energyMwh: first(summary, ['energy.mwh', 'energyMwh', 'energy.totalMwh']),
    peakMw: first(summary, ['energy.peakMw', 'peakMw']),
    costUsd: first(summary, ['campaignUsd', 'cost.campaignUsd', 'cost.totalUsd', 'cost.usd', 'cost.total', 'cost']),
    peakGpus: peak > 0 ? peak : first(summary, ['peakGpus']),
  };
}

/** GPU types in a timeline, in order of first appearance. */
export function gpuTypes(timeline: StoredRun['timeline']): string[] {
  const seen = new Set<string>();
  for (const p of timeline) for (const k of Object.keys(p.gpusOnline)) seen.add(k);
  return [...seen];
}

export interface Series {
  name: string;
  points: [number, number][];
}

/**
 * Capacity ramp: one step series per GPU type (values hold until the next point). The timeline only
 * has a point where something changes, so the last step is drawn on to `untilDay` when that is later.
 */
export function capacitySeries(timeline: StoredRun['timeline'], untilDay?: number): Series[] {
  const last = timeline.at(-1);
  const tail = last && untilDay !== undefined && untilDay > last.day ? [{ day: untilDay, gpusOnline: last.gpusOnline }] : [];
  const pts = [...timeline, ...tail];
  return gpuTypes(timeline).map((t) => ({ name: t, points: pts.map((p) => [p.day, p.gpusOnline[t] ?? 0] as [number, number]) }));
}

const PROGRESS_KEYS = ['fraction', 'progress', 'tokens', 'steps'];

function progressFrom(v: unknown): Series | undefined {
  if (!Array.isArray(v) || v.length === 0 || !isObj(v[0]) || typeof v[0]['day'] !== 'number') return undefined;
  const key = PROGRESS_KEYS.find((k) => typeof (v[0] as Record<string, unknown>)[k] === 'number');
  if (!key) return undefined;
  const points = v.filter(isObj).map((p) => [Number(p['day']), Number(p[key])] as [number, number]);
  return { name: key, points };
}

/** Training progress over days, from a `progress` blob or an array in the summary or result. */
export function progressSeries(run: StoredRun): Series | undefined {
  const candidates: unknown[] = [
    run.blobs['progress'],
    isObj(run.blobs['result']) ? run.blobs['result']['progress'] : undefined,
    isObj(run.blobs['result']) && isObj(run.blobs['result']['training']) ? run.blobs['result']['training']['progress'] : undefined,
    isObj(run.summary) && isObj(run.summary['training']) ? run.summary['training']['progress'] : undefined,
    isObj(run.summary) ? run.summary['progress'] : undefined,
  ];
  for (const c of candidates) {
    const s = progressFrom(c);
    if (s) return s;
  }
  return undefined;
}

/** Interruptions (failure, interruption or restart events) counted per bin of `binDays`. */
export function interruptionBins(events: StoredRun['events'], binDays: number): [number, number][] {
  const hits = events.filter((e) => /interrupt|fail|restart/i.test(e.kind));
  const bins = new Map<number, number>();
  for (const e of hits) {
    const b = Math.floor(e.day / binDays) * binDays;
    bins.set(b, (bins.get(b) ?? 0) + 1);
  }
  return [...bins.entries()].sort((a, b) => a[0] - b[0]);
}

/** Power over days (MW): `[{day, mw}]` points or the campaign's `[{fromDay, toDay, powerMw}]` steps, from the blobs or the summary. */
export function powerSeries(run: StoredRun): Series | undefined {
  const energyOf = (v: unknown): unknown => (isObj(v) ? v['energy'] : undefined);
  const cands: unknown[] = [
    run.blobs['energy'],
    run.blobs['power'],
    isObj(run.blobs['energy']) ? run.blobs['energy']['series'] : undefined,
    isObj(energyOf(run.blobs['result'])) ? (energyOf(run.blobs['result']) as Record<string, unknown>)['series'] : undefined,
    isObj(energyOf(run.summary)) ? (energyOf(run.summary) as Record<string, unknown>)['series'] : undefined,
  ];
  for (const c of cands) {
    if (!Array.isArray(c) || !isObj(c[0])) continue;
    const rows = c.filter(isObj);
    const head = rows[0]!;
    if (typeof head['fromDay'] === 'number' && typeof head['powerMw'] === 'number') {
      const points = rows.map((p) => [Number(p['fromDay']), Number(p['powerMw'])] as [number, number]);
      const last = rows.at(-1)!;
      if (typeof last['toDay'] === 'number') points.push([last['toDay'], Number(last['powerMw'])]);
      return { name: 'facility MW', points };
    }
    const key = ['mw', 'itMw', 'facilityMw', 'powerMw'].find((k) => typeof head[k] === 'number');
    if (!key || typeof head['day'] !== 'number') continue;
    return { name: key, points: rows.map((p) => [Number(p['day']), Number(p[key])] as [number, number]) };
  }
  return undefined;
}

/** The day a run ends: the model done (time to model), else its last progress, power or timeline point. */
export function runEndDay(run: StoredRun): number {
  const f = runFigures(run.summary, run.timeline);
  if (f.timeToModelDays !== undefined && f.timeToModelDays > 0) return f.timeToModelDays;
  const seen = [progressSeries(run), powerSeries(run)].flatMap((x) => x?.points.at(-1)?.[0] ?? []);
  return Math.max(run.timeline.at(-1)?.day ?? 0, ...seen);
}

/** Total GPUs online over days (every type summed), drawn on to `untilDay`. */
export function totalCapacity(timeline: StoredRun['timeline'], untilDay?: number): [number, number][] {
  const pts: [number, number][] = timeline.map((p) => [p.day, Object.values(p.gpusOnline).reduce((a, b) => a + b, 0)]);
  const last = pts.at(-1);
  if (last && untilDay !== undefined && untilDay > last[0]) pts.push([untilDay, last[1]]);
  return pts;
}

/** A series cut at `day` (progress stops when the model is done instead of running flat to the horizon). */
export function until(points: readonly [number, number][], day: number): [number, number][] {
  const out = points.filter(([d]) => d <= day);
  const next = points.find(([d]) => d > day);
  const last = out.at(-1);
  if (next && last && last[0] < day) out.push([day, last[1]]);
  return out;
}

/** Interruptions by cause, summed over the campaign's jobs (`blobs.result.jobs[].interruptionsByCause`), largest first. */
export function interruptionsByCause(run: StoredRun): [string, number][] {
  const result = run.blobs['result'];
  const jobs = isObj(result) && Array.isArray(result['jobs']) ? result['jobs'].filter(isObj) : [];
  const sum = new Map<string, number>();
  for (const j of jobs) {
    const by = j['interruptionsByCause'];
    if (!isObj(by)) continue;
    for (const [k, v] of Object.entries(by)) if (typeof v === 'number' && v > 0) sum.set(k, (sum.get(k) ?? 0) + v);
  }
  return [...sum.entries()].sort((a, b) => b[1] - a[1]);
}

/** The whole campaign result stored with a run (`colossus run`, the server or this browser), if any. */
export function resultOf(run: StoredRun): CampaignResult | undefined {
  const r = run.blobs['result'];
  return isObj(r) && Array.isArray(r['timeline']) && isObj(r['training']) && Array.isArray(r['milestones']) && isObj(r['cost']) ? (r as unknown as CampaignResult) : undefined;
}
