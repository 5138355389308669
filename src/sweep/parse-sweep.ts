import {
  InputError,
  closest,
  describeValue,
  formatIssue,
  isRecord,
  newReadContext,
  report,
  type Issue,
  type PathSegment,
  type ReadContext,
  type SourceDocument,
} from '../core/index.js';
import { validate } from '../core/schema.js';
import { SPEC_KEYS, parseSpecValue } from '../spec/index.js';
import { canonicalJson } from './canonical-json.js';
import { FORBIDDEN_SEGMENTS } from './dotted-path.js';
import { axisValueIndices, pointSpecValue } from './expand.js';
import { hash64Hex } from './hash.js';
import { MAX_AXIS_VALUES, MAX_SWEEP_POINTS, SweepFileSchema } from './sweep-file.js';
import type { Sweep, SweepAxis, SweepSearchOptions } from './types.js';

export { MAX_SWEEP_POINTS } from './sweep-file.js';
/** Distinct issues reported before validation stops looking. */
const MAX_ISSUES = 20;
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Bumped when the meaning of a sweep file or of its rows changes, so old shards are not merged with new. */
export const SWEEP_FORMAT = 'colossus-sweep/1';

export type SweepResult = { ok: true; sweep: Sweep } | { ok: false; issues: Issue[] };

/**
 * Validate a sweep document:
 * ```yaml
 * name: gpus-and-network        # optional
 * base: { model: ..., system: ..., training: ..., parallel: ... }   # a spec; parallel optional
 * grid:                          # axes over dotted field paths; the first varies slowest
 *   system.gpu: [h100-sxm, h200-sxm, b200]
 *   system.gpus: [16384, 65536]
 * search: { objective: tokens-per-sec, memoryMargin: 0.05, precisions: [bf16, fp8] }  # optional
 * ```
 * Beyond the file's structure, every point is checked as a spec: a field that is invalid on its
 * own (a typo, a wrong type, an unknown GPU) in any point refuses the file, with the position of
 * the offending value; so does a sweep in which no point is a valid spec. A point whose fields are
 * valid but do not fit together (tp·pp·cp·dp ≠ gpus, tp not dividing the heads) is not an error of
 * the file: it becomes an error row when the sweep runs.
 */
export function parseSweepDocument(doc: SourceDocument): SweepResult {
  const ctx = newReadContext(doc);
  // A grid key that is not a path of spec fields is reported as such (and its values not checked).
  const grid = isRecord(doc.value) ? doc.value['grid'] : undefined;
  const badPaths = isRecord(grid) ? checkAxisPaths(ctx, grid) : new Set<string>();
  const value = badPaths.size > 0 && isRecord(doc.value) && isRecord(grid)
    ? { ...doc.value, grid: Object.fromEntries(Object.entries(grid).filter(([path]) => !badPaths.has(path))) }
    : doc.value;
  const file = validate(ctx, SweepFileSchema, value);
  // The grid's own rules (distinct values, no overlap), for the axes whose values are a list.
  const axes = isRecord(grid) ? readGrid(ctx, grid, badPaths) : [];
  if (!file || ctx.issues.length > 0) return { ok: false, issues: ctx.issues };
  const base = file.base ?? {};
  const search: SweepSearchOptions = { objective: file.search.objective, memoryMargin: file.search.memoryMargin };
  if (file.search.precisions) search.precisions = [...new Set(file.search.precisions)];
  let points = 1;
  for (const axis of axes) points *= axis.values.length;
  if (points > MAX_SWEEP_POINTS) {
    report(ctx, ['grid'], `has ${points.toLocaleString('en-US')} points`, { expected: `at most ${MAX_SWEEP_POINTS.toLocaleString('en-US')}` });
    return { ok: false, issues: ctx.issues };
  }
  const issues = checkPoints(doc, base, axes);
  if (issues.length > 0) return { ok: false, issues };
  const sweep: Sweep = { base, axes, search, points, fingerprint: sweepFingerprint(base, axes, search) };
  if (file.name !== undefined) sweep.name = file.name;
  return { ok: true, sweep };
}

/** Throwing variant: an InputError carries the issues. */
export function parseSweep(doc: SourceDocument): Sweep {
  const r = parseSweepDocument(doc);
  if (!r.ok) throw new InputError(r.issues);
  return r.sweep;
}

/** Hash of what decides the rows: format version, base, axes in order with their values, search options. */
export function sweepFingerprint(base: Record<string, unknown>, axes: readonly SweepAxis[], search: SweepSearchOptions): string {
  return hash64Hex(canonicalJson({ format: SWEEP_FORMAT, base, axes: axes.map((a) => [a.path, a.values]), search }));
}

/** Report grid keys that are not dotted paths of spec fields; returns them. */
function checkAxisPaths(ctx: ReadContext, grid: Record<string, unknown>): Set<string> {
  const bad = new Set<string>();
  for (const path of Object.keys(grid)) {
    const at: PathSegment[] = ['grid', path];
    const segments = path.split('.');
    bad.add(path);
    if (!segments.every((s) => SEGMENT.test(s))) {
      report(ctx, at, 'is not a dotted field path', { expected: 'names joined by dots, e.g. system.gpu', received: describeValue(path) });
      continue;
    }
    const forbidden = segments.find((s) => FORBIDDEN_SEGMENTS.has(s));
    if (forbidden !== undefined) {
      report(ctx, at, `names "${forbidden}", which is not a spec field`, { expected: 'a path of spec fields, e.g. training.tokens', received: describeValue(path) });
      continue;
    }
    const head = segments[0] as string;
    if (!SPEC_KEYS.includes(head)) {
      const guess = closest(head, SPEC_KEYS);
      report(ctx, at, `does not start with a spec field${guess ? ` (did you mean "${guess}"?)` : ''}`, {
        expected: `a path under ${SPEC_KEYS.join(', ')}`,
        received: describeValue(path),
      });
      continue;
    }
    bad.delete(path);
  }
  return bad;
}

function readGrid(ctx: ReadContext, grid: Record<string, unknown>, badPaths: ReadonlySet<string>): SweepAxis[] {
  const axes: SweepAxis[] = [];
  for (const [path, values] of Object.entries(grid)) {
    // A value that is not a list of 1 to MAX_AXIS_VALUES values is the schema's issue.
    if (badPaths.has(path) || !Array.isArray(values) || values.length === 0 || values.length > MAX_AXIS_VALUES) continue;
    const at: PathSegment[] = ['grid', path];
    const segments = path.split('.');
    const seen = new Map<string, number>();
    values.forEach((v, i) => {
      const key = canonicalJson(v);
      const first = seen.get(key);
      if (first !== undefined) report(ctx, [...at, i], `repeats value [${first}]`, { expected: 'distinct values', received: describeValue(v) });
      else seen.set(key, i);
    });
    const overlap = axes.find((a) => isPrefix(a.segments, segments) || isPrefix(segments, a.segments));
    if (overlap) {
      report(ctx, at, `overlaps the axis ${overlap.path}`, { expected: 'axes that set different fields' });
      continue;
    }
    axes.push({ path, segments, values });
  }
  return axes;
}

function isPrefix(a: readonly string[], b: readonly string[]): boolean {
  return a.length <= b.length && a.every((s, i) => s === b[i]);
}

/**
 * Check every point as a spec. Issues of fields on their own (the lenient parse that plan search
 * uses) refuse the file; so does a sweep none of whose points passes the full parse. Issues are
 * placed at the value that caused them: an axis value in `grid`, or a field of `base`.
 */
function checkPoints(doc: SourceDocument, base: Record<string, unknown>, axes: readonly SweepAxis[]): Issue[] {
  let points = 1;
  for (const axis of axes) points *= axis.values.length;
  const found = new Map<string, Issue>();
  let firstStrict: Issue[] | undefined;
  let anyValid = false;
  for (let k = 0; k < points && found.size < MAX_ISSUES; k++) {
    const idx = axisValueIndices(axes, k);
    const { value, blockedAxis } = pointSpecValue(base, axes, k);
    if (blockedAxis !== undefined) {
      const axis = axes[blockedAxis] as SweepAxis;
      const issue = locate(doc, ['grid', axis.path], `grid["${axis.path}"]`, 'runs through a field of the spec that is not an object', {
        expected: 'a path through objects (set the whole field instead)',
      });
      found.set(formatIssue(issue), issue);
      continue;
    }
    const pointDoc = mappedDocument(doc, axes, idx);
    const lenient = parseSpecValue(value, pointDoc, [], { planOptional: true });
    if (!lenient.ok) {
      for (const issue of lenient.issues) {
        const placed = place(issue, axes, idx);
        const key = formatIssue(placed);
        if (!found.has(key)) found.set(key, placed);
      }
      continue;
    }
    if (anyValid) continue;
    if (!hasPlan(value)) {
      anyValid = true;
      continue;
    }
    const strict = parseSpecValue(value, pointDoc, [], {});
    if (strict.ok) anyValid = true;
    else firstStrict ??= strict.issues.map((i) => place(i, axes, idx));
  }
  if (found.size > 0) return [...found.values()];
  if (!anyValid && firstStrict) {
    return [
      { path: '', message: `no point of the sweep is a valid spec; the first point's issues follow`, ...(doc.file !== undefined ? { file: doc.file } : {}) },
      ...firstStrict,
    ];
  }
  return [];
}

/** A point has a plan (and is estimated, not searched) when `parallel` is present. */
export function hasPlan(value: Record<string, unknown>): boolean {
  return value['parallel'] !== undefined && value['parallel'] !== null;
}

/** The axis (if any) that set the field at `path`: its segments are a prefix of the path. */
function axisFor(axes: readonly SweepAxis[], path: readonly PathSegment[]): number {
  return axes.findIndex((a) => a.segments.length <= path.length && a.segments.every((s, i) => s === path[i]));
}

/** Positions of a point's fields in the sweep file: axis values in `grid`, everything else in `base`. */
function mappedDocument(doc: SourceDocument, axes: readonly SweepAxis[], idx: readonly number[]): SourceDocument {
  return {
    file: doc.file,
    value: undefined,
    positionOf(path) {
      const a = axisFor(axes, path);
      if (a < 0) return doc.positionOf(['base', ...path]) ?? doc.positionOf(['grid']);
      const axis = axes[a] as SweepAxis;
      return doc.positionOf(['grid', axis.path, idx[a] as number, ...path.slice(axis.segments.length)]);
    },
  };
}

/** Rename an issue's spec path to where it is written: `grid["system.gpu"][1]` or `base.system.gpu`. */
function place(issue: Issue, axes: readonly SweepAxis[], idx: readonly number[]): Issue {
  const segs = issue.path === '' ? [] : issue.path.split(/\.|(?=\[)/);
  const a = axisFor(axes, segs);
  const out = { ...issue };
  if (a >= 0) {
    const axis = axes[a] as SweepAxis;
    const rest = segs.slice(axis.segments.length).join('.');
    out.path = `grid["${axis.path}"][${idx[a] as number}]${rest ? `.${rest}` : ''}`;
  } else {
    out.path = issue.path ? `base.${issue.path}` : 'base';
  }
  return out;
}

function locate(doc: SourceDocument, at: PathSegment[], path: string, message: string, extra: { expected?: string; received?: string }): Issue {
  const ctx = newReadContext(doc);
  report(ctx, at, message, extra);
  const issue = ctx.issues[0] as Issue;
  issue.path = path;
  return issue;
}
