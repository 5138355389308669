import { describeValue, type Issue } from './issue.js';
import { formatPath, type PathSegment, type SourceDocument } from './document.js';

/**
 * Small, allocation-light readers that validate one field at a time and collect issues
 * (with the file position of the offending value) instead of throwing. Used by every
 * input format: estimate specs, simulator scenarios, campaign scenarios, sweeps.
 */
export interface ReadContext {
  readonly doc: SourceDocument | undefined;
  readonly issues: Issue[];
}

export function newReadContext(doc?: SourceDocument): ReadContext {
  return { doc, issues: [] };
}

export type Path = readonly PathSegment[];

export function report(
  ctx: ReadContext,
  path: Path,
  message: string,
  extra: { expected?: string; received?: string } = {},
): void {
  const issue: Issue = { path: formatPath(path), message };
  if (extra.expected !== undefined) issue.expected = extra.expected;
  if (extra.received !== undefined) issue.received = extra.received;
  if (ctx.doc) {
    if (ctx.doc.file !== undefined) issue.file = ctx.doc.file;
    const pos = ctx.doc.positionOf(path);
    if (pos) {
      issue.line = pos.line;
      issue.column = pos.column;
    }
  }
  ctx.issues.push(issue);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as an object, or an issue. `undefined` when absent and not required. */
export function readObject(
  ctx: ReadContext,
  value: unknown,
  path: Path,
  required = true,
): Record<string, unknown> | undefined {
  if (value === undefined || value === null) {
    if (required) report(ctx, path, 'is required', { expected: 'an object' });
    return undefined;
  }
  if (!isRecord(value)) {
    report(ctx, path, 'has the wrong type', { expected: 'an object', received: describeValue(value) });
    return undefined;
  }
  return value;
}

/** Most unknown keys reported one by one per map; the rest are counted in one more issue. */
export const MAX_UNKNOWN_KEY_ISSUES = 20;

/**
 * Flag keys that are not in `allowed` (typos), suggesting the closest allowed key. Linear in the
 * number of keys: the first MAX_UNKNOWN_KEY_ISSUES get an issue each (with position and a guess),
 * the rest one issue that counts them.
 */
export function checkKeys(ctx: ReadContext, obj: Record<string, unknown>, allowed: readonly string[], path: Path): void {
  const known = new Set(allowed);
  let unknown = 0;
  let firstHidden: string | undefined;
  for (const key of Object.keys(obj)) {
    if (known.has(key)) continue;
    unknown++;
    if (unknown > MAX_UNKNOWN_KEY_ISSUES) {
      firstHidden ??= key;
      continue;
    }
    const guess = closest(key, allowed);
    report(ctx, [...path, key], `is not a known field${guess ? ` (did you mean "${guess}"?)` : ''}`, {
      expected: `one of ${allowed.join(', ')}`,
    });
  }
  if (firstHidden !== undefined) {
    const more = unknown - MAX_UNKNOWN_KEY_ISSUES;
    report(ctx, [...path, firstHidden], `and ${more} more unknown field${more === 1 ? '' : 's'} in this map (not listed one by one)`, {
      expected: `one of ${allowed.join(', ')}`,
    });
  }
}

export interface NumberRule {
  required?: boolean;
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound (e.g. > 0). */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Why the bounds are what they are (physical limit, cost), appended to `expected`. */
  why?: string;
}

/** The `expected` text of a number rule: `an integer >= 1 and <= 8`. */
export function ruleText(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  const parts: string[] = [];
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  const text = parts.length ? `${kind} ${parts.join(' and ')}` : kind;
  return rule.why ? `${text}: ${rule.why}` : text;
}

export function readNumber(
  ctx: ReadContext,
  obj: Record<string, unknown>,
  key: string,
  path: Path,
  rule: NumberRule = {},
): number | undefined {
  const value = obj[key];
  const at = [...path, key];
  if (value === undefined || value === null) {
    if (rule.required) report(ctx, at, 'is required', { expected: ruleText(rule) });
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    report(ctx, at, 'has the wrong type', { expected: ruleText(rule), received: describeValue(value) });
    return undefined;
  }
  if (
    (rule.integer && !Number.isInteger(value)) ||
    (rule.min !== undefined && value < rule.min) ||
    (rule.above !== undefined && value <= rule.above) ||
    (rule.max !== undefined && value > rule.max)
  ) {
    report(ctx, at, 'is out of range', { expected: ruleText(rule), received: describeValue(value) });
    return undefined;
  }
  return value;
}

export function readBoolean(
  ctx: ReadContext,
  obj: Record<string, unknown>,
  key: string,
  path: Path,
  required = false,
): boolean | undefined {
  const value = obj[key];
  const at = [...path, key];
  if (value === undefined || value === null) {
    if (required) report(ctx, at, 'is required', { expected: 'true or false' });
    return undefined;
  }
  if (typeof value !== 'boolean') {
    report(ctx, at, 'has the wrong type', { expected: 'true or false', received: describeValue(value) });
    return undefined;
  }
  return value;
}

export function readString(
  ctx: ReadContext,
  obj: Record<string, unknown>,
  key: string,
  path: Path,
  required = false,
): string | undefined {
  const value = obj[key];
  const at = [...path, key];
  if (value === undefined || value === null) {
    if (required) report(ctx, at, 'is required', { expected: 'a string' });
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0) {
    report(ctx, at, 'has the wrong type', { expected: 'a non-empty string', received: describeValue(value) });
    return undefined;
  }
  return value;
}

export function readEnum<T extends string>(
  ctx: ReadContext,
  obj: Record<string, unknown>,
  key: string,
  path: Path,
  allowed: readonly T[],
  required = false,
): T | undefined {
  const value = obj[key];
  const at = [...path, key];
  if (value === undefined || value === null) {
    if (required) report(ctx, at, 'is required', { expected: `one of ${allowed.join(', ')}` });
    return undefined;
  }
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    report(ctx, at, 'is not an allowed value', {
      expected: `one of ${allowed.join(', ')}`,
      received: describeValue(value),
    });
    return undefined;
  }
  return value as T;
}

/** Closest candidate by edit distance, if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}
