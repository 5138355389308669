import * as v from 'valibot';
import { describeValue } from './issue.js';
import type { PathSegment } from './document.js';
import { MAX_UNKNOWN_KEY_ISSUES, closest, isRecord, report, ruleText, type NumberRule, type Path, type ReadContext } from './read.js';

export { ruleText };

/**
 * One Valibot schema per input format gives its TypeScript type (`v.InferOutput`), its shape check
 * and its JSON Schema (`scripts/emit-schemas.ts`). This adapter runs a schema and turns what it finds
 * into the project's issues, worded as the hand-written readers worded them: "is required", "has the
 * wrong type", "is out of range", "is not an allowed value", "is not a known field (did you mean …?)",
 * each with `expected`/`received` and (through `report`) the file position.
 *
 * Conventions of the builders below, which every format's schema uses:
 * - a schema's or action's message is the `expected` text (`an integer >= 1`); the adapter chooses the
 *   message from the kind of issue. `says(message, expected)` spells out both (custom checks).
 * - `null` is the same as an absent field (YAML's `key:` with no value), as it always was.
 * - maps are checked for unknown keys (with a guess), missing required keys and being a map (not a
 *   list) by the adapter itself: Valibot's `strictObject` names only the first unknown key.
 */

/** Separates the parts of a `says` message. */
const SEP = '\u001f';

/** A message naming the issue's own message and expected text (and received, when not the value itself; '' for none). */
export function says(message: string, expected: string, received?: string): string {
  return received === undefined ? `${message}${SEP}${expected}` : `${message}${SEP}${expected}${SEP}${received}`;
}

/** Valibot's run configuration: one issue per field (the first failing check of a pipe). */
const CONFIG = { abortPipeEarly: true } as const;

type NumberAction = v.PipeItem<number, number, v.BaseIssue<unknown>>;

/** A finite number within `rule` (required unless wrapped in `optional`). */
export function num(rule: Omit<NumberRule, 'required'> = {}): v.SchemaWithPipe<readonly [v.NumberSchema<string>, ...NumberAction[]]> {
  const e = ruleText(rule);
  const actions: NumberAction[] = [v.finite(says('has the wrong type', e))];
  if (rule.integer) actions.push(v.integer(e));
  if (rule.above !== undefined) actions.push(v.gtValue(rule.above, e));
  if (rule.min !== undefined) actions.push(v.minValue(rule.min, e));
  if (rule.max !== undefined) actions.push(v.maxValue(rule.max, e));
  return v.pipe(v.number(e), ...actions);
}

/** A non-empty string. */
export function str(): v.SchemaWithPipe<readonly [v.StringSchema<v.ErrorMessage<v.StringIssue>>, v.MinLengthAction<string, 1, string>]> {
  return v.pipe(
    v.string((issue) => (issue.input === undefined || issue.input === null ? 'a string' : 'a non-empty string')),
    v.minLength(1, says('has the wrong type', 'a non-empty string')),
  );
}

/** true or false. */
export function bool(): v.BooleanSchema<string> {
  return v.boolean('true or false');
}

/** One of `values`. */
export function oneOf<const T extends readonly string[]>(values: T): v.PicklistSchema<T, string> {
  return v.picklist(values, `one of ${values.join(', ')}`);
}

/**
 * A map with exactly these fields. The adapter reports unknown keys and missing ones (Valibot's
 * `strictObject` would name only the first unknown key, and stop the checks of the map's other
 * fields); the JSON Schema says `additionalProperties: false`.
 */
export function obj<const E extends v.ObjectEntries>(entries: E, expected = 'an object'): v.ObjectSchema<E, string> {
  return v.object(entries, expected);
}

/** One-field map schemas of `parsedField`, made once per schema and key. */
const ONE_FIELD = new WeakMap<v.GenericSchema, Map<string, v.GenericSchema>>();

/**
 * The field `key` of a map, checked by its entry in `schema` on its own (defaults applied), or
 * undefined when it has an issue (not reported: `validate` of the whole map reports it). For the
 * checks that run on the valid parts of a document that has issues elsewhere.
 */
export function parsedField<E extends v.ObjectEntries, K extends keyof E & string>(schema: v.ObjectSchema<E, string>, map: Record<string, unknown>, key: K): v.InferOutput<E[K]> | undefined {
  let byKey = ONE_FIELD.get(schema);
  if (!byKey) ONE_FIELD.set(schema, (byKey = new Map()));
  let one = byKey.get(key);
  if (!one) byKey.set(key, (one = v.object({ [key]: schema.entries[key] } as Record<K, E[K]>)));
  const r = parsed(one, map[key] === undefined ? {} : { [key]: map[key] }) as Record<K, v.InferOutput<E[K]>> | undefined;
  return r?.[key];
}

/** A field that may be absent (or null). */
export const optional = v.exactOptional;

/** A list of `item`; `expected` is the text for a value that is not a list, `whenAbsent` for a missing one. */
export function list<const S extends v.GenericSchema>(item: S, expected = 'an array', whenAbsent = expected): v.ArraySchema<S, v.ErrorMessage<v.ArrayIssue>> {
  return v.array(item, (issue) => (issue.input === undefined || issue.input === null ? whenAbsent : expected));
}

/** `schema` with a description (shown by editors from the JSON Schema). */
export function doc<const S extends v.GenericSchema>(schema: S, description: string): v.SchemaWithPipe<readonly [S, v.DescriptionAction<v.InferOutput<S>, string>]> {
  return v.pipe(schema, v.description(description));
}

/** A path item for `rawCheck` issues placed at a field of the checked object. */
export function fieldPath(input: Record<string, unknown>, key: string): [v.ObjectPathItem] {
  return [{ type: 'object', origin: 'value', input, key, value: input[key] }];
}

/** Unwrap optional/pipe wrappers to the schema that decides the shape. */
function shapeOf(schema: v.GenericSchema): v.GenericSchema {
  let s = schema as v.GenericSchema & { wrapped?: v.GenericSchema };
  while ((s.type === 'exact_optional' || s.type === 'optional' || s.type === 'nullish' || s.type === 'nullable') && s.wrapped) s = s.wrapped as typeof s;
  return s;
}

/** For a union (`intervalS: 600 | auto`, `storage: name | {...}`), the option that a map value is meant for. */
function optionFor(schema: v.GenericSchema, value: unknown): v.GenericSchema {
  const s = schema as v.GenericSchema & { options?: v.GenericSchema[] };
  if (s.type !== 'union' || !s.options || typeof value !== 'object' || value === null) return schema;
  return s.options.find((o) => shapeOf(o).type === 'object' || shapeOf(o).type === 'record') ?? schema;
}

function isOptional(schema: v.GenericSchema): boolean {
  return schema.type === 'exact_optional' || schema.type === 'optional' || schema.type === 'nullish';
}

/** The `expected` text of a schema when its value is absent. */
function expectedWhenAbsent(schema: v.GenericSchema): string {
  const s = shapeOf(schema) as v.GenericSchema & { message?: v.ErrorMessage<v.BaseIssue<unknown>> };
  const m = s.message;
  const text = typeof m === 'function' ? m({ input: undefined } as unknown as v.BaseIssue<unknown>) : (m ?? describeValue(undefined));
  return text.split(SEP)[1] ?? text;
}

/**
 * The checks of maps (`obj`) Valibot does not do as the readers did: a map and not a list,
 * every unknown key (up to MAX_UNKNOWN_KEY_ISSUES, with a guess), required keys that are absent or null.
 */
function checkMaps(ctx: ReadContext, schema: v.GenericSchema, value: unknown, path: PathSegment[], lists: PathSegment[][]): void {
  const s = shapeOf(optionFor(shapeOf(schema), value)) as v.GenericSchema & { entries?: v.ObjectEntries; item?: v.GenericSchema; value?: v.GenericSchema };
  if ((s.type === 'object' || s.type === 'record') && Array.isArray(value)) {
    report(ctx, path, 'has the wrong type', { expected: expectedWhenAbsent(s), received: describeValue(value) });
    lists.push(path);
    return;
  }
  if (s.type === 'object' && s.entries) {
    if (!isRecord(value)) return;
    const entries = s.entries;
    const allowed = Object.keys(entries);
    let unknown = 0;
    let firstHidden: string | undefined;
    for (const key of Object.keys(value)) {
      if (Object.prototype.hasOwnProperty.call(entries, key)) continue;
      unknown++;
      if (unknown > MAX_UNKNOWN_KEY_ISSUES) {
        firstHidden ??= key;
        continue;
      }
      const guess = closest(key, allowed);
      report(ctx, [...path, key], `is not a known field${guess ? ` (did you mean "${guess}"?)` : ''}`, { expected: `one of ${allowed.join(', ')}` });
    }
    if (firstHidden !== undefined) {
      const more = unknown - MAX_UNKNOWN_KEY_ISSUES;
      report(ctx, [...path, firstHidden], `and ${more} more unknown field${more === 1 ? '' : 's'} in this map (not listed one by one)`, {
        expected: `one of ${allowed.join(', ')}`,
      });
    }
    for (const key in entries) {
      const entry = entries[key] as v.GenericSchema;
      const field = value[key];
      if (field === undefined || field === null) {
        if (!isOptional(entry)) report(ctx, [...path, key], 'is required', { expected: expectedWhenAbsent(entry) });
      } else if (typeof field === 'object') checkMaps(ctx, entry, field, [...path, key], lists); // nothing to check in a number or string
    }
    return;
  }
  if (s.type === 'array' && s.item && Array.isArray(value)) {
    value.forEach((item: unknown, i) => {
      if (typeof item === 'object' && item !== null) checkMaps(ctx, s.item as v.GenericSchema, item, [...path, i], lists);
    });
    return;
  }
  if (s.type === 'record' && s.value && isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      // A record's value is a value, not an absent field (a grid axis set to null).
      if (item === null && !v.is(s.value, null)) {
        report(ctx, [...path, key], 'has the wrong type', { expected: expectedWhenAbsent(s.value), received: 'null' });
        lists.push([...path, key]);
      } else checkMaps(ctx, s.value, item, [...path, key], lists);
    }
  }
}

/**
 * `value` without the null-valued fields of its maps (`obj`: null means absent, as does a key set to
 * undefined by a caller that builds the value); lists and other
 * values as they are. Copies only the maps and lists that change (the common case, no nulls, copies
 * nothing: the spec parser runs once per sweep point).
 */
function withoutNulls(schema: v.GenericSchema, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const s = shapeOf(optionFor(shapeOf(schema), value)) as v.GenericSchema & { entries?: v.ObjectEntries; item?: v.GenericSchema; value?: v.GenericSchema };
  if (s.type === 'object' && s.entries && isRecord(value)) {
    const entries = s.entries;
    let out: Record<string, unknown> | undefined;
    for (const k in value) {
      const x = value[k];
      const entry = Object.prototype.hasOwnProperty.call(entries, k) ? entries[k] : undefined;
      const absent = entry !== undefined && (x === null || x === undefined);
      const y = entry === undefined || absent ? x : withoutNulls(entry, x);
      if (out === undefined && (y !== x || absent)) {
        out = {};
        for (const j in value) {
          if (j === k) break;
          out[j] = value[j];
        }
      }
      if (out !== undefined && !absent) out[k] = y;
    }
    return out ?? value;
  }
  if (s.type === 'array' && s.item && Array.isArray(value)) {
    const item = s.item as v.GenericSchema;
    let out: unknown[] | undefined;
    value.forEach((x: unknown, i) => {
      const y = withoutNulls(item, x);
      if (out === undefined && y !== x) out = value.slice(0, i);
      if (out !== undefined) out.push(y);
    });
    return out ?? value;
  }
  if (s.type === 'record' && s.value && isRecord(value)) {
    const item = s.value;
    let out: Record<string, unknown> | undefined;
    for (const k in value) {
      const x = value[k];
      const y = withoutNulls(item, x);
      if (out === undefined && y !== x) {
        out = {};
        for (const j in value) {
          if (j === k) break;
          out[j] = value[j];
        }
      }
      if (out !== undefined) out[k] = y;
    }
    return out ?? value;
  }
  return value;
}

/**
 * A union none of whose options fit a map (`storage: { preset: vast }`) is one issue in Valibot;
 * the map option's issues (at the fields) say more: they replace it.
 */
function unionFieldIssues(issues: readonly v.BaseIssue<unknown>[]): v.BaseIssue<unknown>[] {
  const out: v.BaseIssue<unknown>[] = [];
  for (const issue of issues) {
    const nested = issue.type === 'union' && isRecord(issue.input) ? (issue.issues ?? []).filter((i) => (i.path?.length ?? 0) > 0) : [];
    if (nested.length === 0) {
      out.push(issue);
      continue;
    }
    for (const i of unionFieldIssues(nested)) out.push({ ...i, path: [...(issue.path ?? []), ...(i.path ?? [])] } as v.BaseIssue<unknown>);
  }
  return out;
}

/** The issue Valibot raised for a key (missing or unknown), which `checkMaps` reports its own way. */
function isKeyIssue(issue: v.BaseIssue<unknown>): boolean {
  const last = issue.path?.[issue.path.length - 1] as { origin?: string } | undefined;
  return last?.origin === 'key';
}

function issueMessage(issue: v.BaseIssue<unknown>): { message: string; expected: string; received?: string } {
  const parts = issue.message.split(SEP);
  const received = issue.input === undefined ? undefined : describeValue(issue.input);
  if (parts.length > 1) {
    const [message, expected, own] = parts as [string, string, string | undefined];
    const r = own === '' ? undefined : (own ?? received);
    return r === undefined ? { message, expected } : { message, expected, received: r };
  }
  const expected = issue.message;
  if (issue.kind === 'schema' && (issue.input === undefined || issue.input === null)) return { message: 'is required', expected };
  const message = issue.type === 'picklist' ? 'is not an allowed value' : issue.kind === 'schema' ? 'has the wrong type' : 'is out of range';
  return received === undefined ? { message, expected } : { message, expected, received };
}

/**
 * Check `value` (at `path` of `ctx`'s document) against `schema`, adding the issues to `ctx`.
 * Returns the typed value when there are no issues, else undefined.
 */
export function validate<S extends v.GenericSchema>(ctx: ReadContext, schema: S, value: unknown, path: Path = []): v.InferOutput<S> | undefined {
  const before = ctx.issues.length;
  if (path.length === 0 && isRecord(value) && '$schema' in value) {
    // A document may name its JSON Schema for editors (`"$schema": "../schemas/spec.schema.json"`).
    const { $schema, ...rest } = value;
    if (typeof $schema !== 'string') report(ctx, ['$schema'], 'has the wrong type', { expected: 'the path or URL of a JSON Schema', received: describeValue($schema) });
    value = rest;
  }
  // Lists where maps belong (Valibot reads them as maps with keys 0, 1, ...) and nulls in records: their one issue is checkMaps'.
  const lists: PathSegment[][] = [];
  checkMaps(ctx, schema, value, [...path], lists);
  const result = v.safeParse(schema, withoutNulls(schema, value), CONFIG);
  if (!result.success) {
    for (const issue of unionFieldIssues(result.issues)) {
      if (isKeyIssue(issue)) continue;
      const at = [...path, ...(issue.path ?? []).map((p) => p.key as PathSegment)];
      if (lists.some((l) => l.length <= at.length && l.every((seg, i) => seg === at[i]))) continue;
      const { message, ...extra } = issueMessage(issue);
      report(ctx, at, message, extra);
    }
  }
  return result.success && ctx.issues.length === before ? result.output : undefined;
}

/** The typed value when `value` passes `schema` with no issue at all, else undefined (issues are not reported). */
export function parsed<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> | undefined {
  const ctx: ReadContext = { doc: undefined, issues: [] };
  return validate(ctx, schema, value, ['(value)']);
}
