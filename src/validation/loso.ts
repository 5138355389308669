import { readFileSync } from 'node:fs';
import type { GpuSpec } from '../catalog/index.js';
import { bandDrivers, bandFor, fitBands, type BandDrivers } from '../model/bands/bands.js';
import { efficiencyFor, estimate, type EfficiencyModel } from '../model/index.js';
import { parseSpecValue } from '../spec/index.js';
import type { Spec } from '../spec/types.js';
import { parseCases, type ValidationCase } from './cases.js';
import { stats, type ErrorStats } from './harness.js';

/** The fitted efficiency constants (docs/model.md §7) and the grid a fold searches them on. */
export type Fitted = Pick<EfficiencyModel, 'gemmShapeFactor' | 'tpOverlap' | 'zeroOverlap'>;
export function fitGrid(coarse = false): Fitted[] {
  const out: Fitted[] = [];
  const shapes = coarse ? [1.5, 2, 2.5, 3] : [1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3];
  const tps = coarse ? [0.4, 0.6, 0.8] : [0, 0.2, 0.4, 0.6, 0.8];
  const zeros = coarse ? [0.25, 0.5] : [0.25, 0.5, 0.75];
  for (const gemmShapeFactor of shapes) for (const tpOverlap of tps) for (const zeroOverlap of zeros) out.push({ gemmShapeFactor, tpOverlap, zeroOverlap });
  return out;
}

interface Parsed {
  c: ValidationCase;
  spec: Spec;
  drivers: BandDrivers;
}

/** Read bundled case files (paths relative to data/validation) into parsed cases. */
export function readBundledCases(files: readonly string[], root: URL): ValidationCase[] {
  return files.flatMap((f) => parseCases(readFileSync(new URL(f, root), 'utf8'), f));
}

function parseAll(cases: readonly ValidationCase[]): Parsed[] {
  const out: Parsed[] = [];
  for (const c of cases) {
    const r = parseSpecValue(c.spec);
    if (r.ok) out.push({ c, spec: r.spec, drivers: bandDrivers(r.spec) });
  }
  return out;
}

function logRatios(ps: readonly Parsed[], o: Fitted, effCache: Map<GpuSpec, EfficiencyModel>): number[] {
  return ps.map((p) => {
    let e = effCache.get(p.spec.system.gpu);
    if (!e) effCache.set(p.spec.system.gpu, (e = efficiencyFor(p.spec.system.gpu, o)));
    return Math.log(estimate(p.spec, e).tokensPerSecPerGpu / p.c.measuredTokensPerSecPerGpu);
  });
}

const mapeOf = (lr: readonly number[]) => lr.reduce((s, x) => s + Math.abs(Math.exp(x) - 1), 0) / Math.max(1, lr.length);

export interface LosoReport {
  /** Error of every case predicted with constants fitted without its source. */
  heldOut: ErrorStats;
  bySource: Record<string, ErrorStats & { fit: Fitted; bandCoverage: number }>;
  /** Share of held-out measurements inside their 80% band (bands fitted without their source). */
  bandCoverage: number;
  cases: number;
}

/**
 * Leave one source out: for each source, fit the three constants on the other sources (grid
 * search, MAPE), predict the held-out source, and fit the error bands on the other sources'
 * residuals to check their coverage on it. Pure; the caller reads the cases.
 */
export function leaveOneSourceOut(cases: readonly ValidationCase[], grid: readonly Fitted[] = fitGrid(true)): LosoReport {
  const all = parseAll(cases);
  const sources = [...new Set(all.map((p) => p.c.source))];
  // Residuals of every case under every grid point, computed once.
  const lrByGrid = grid.map((o) => logRatios(all, o, new Map()));
  const errors: number[] = [];
  let inside = 0;
  const bySource: LosoReport['bySource'] = {};
  for (const src of sources) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    all.forEach((p, i) => (p.c.source === src ? testIdx : trainIdx).push(i));
    let best = 0;
    let bestMape = Infinity;
    lrByGrid.forEach((lr, g) => {
      const m = mapeOf(trainIdx.map((i) => lr[i] as number));
      if (m < bestMape) {
        bestMape = m;
        best = g;
      }
    });
    const lr = lrByGrid[best] as number[];
    const bands = fitBands(trainIdx.map((i) => ({ logRatio: lr[i] as number, drivers: (all[i] as Parsed).drivers })));
    const e: number[] = [];
    let inSrc = 0;
    for (const i of testIdx) {
      const x = lr[i] as number;
      e.push(Math.exp(x) - 1);
      const p = all[i] as Parsed;
      const b = bandFor(1, p.drivers, bands);
      if (b && Math.abs(x) <= Math.log(b.high)) inSrc++;
    }
    errors.push(...e);
    inside += inSrc;
    bySource[src] = { ...stats(e), fit: grid[best] as Fitted, bandCoverage: inSrc / Math.max(1, testIdx.length) };
  }
  return { heldOut: stats(errors), bySource, bandCoverage: inside / Math.max(1, all.length), cases: all.length };
}

/** The case files the bundled error bands are fitted on. */
export const BUNDLED_BAND_FILES = ['public-cases.jsonl', 'stack-cases.jsonl', 'supplementary-cases.jsonl'] as const;

/** Fit a band table from the residuals of the model with its default constants. */
export function bandTableFromCases(cases: readonly ValidationCase[]): ReturnType<typeof fitBands> {
  const ps = parseAll(cases);
  const res = ps.map((p) => ({ logRatio: Math.log(estimate(p.spec).tokensPerSecPerGpu / p.c.measuredTokensPerSecPerGpu), drivers: p.drivers }));
  return fitBands(res);
}
