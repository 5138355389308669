import type { Command } from 'commander';
import { parse as parseYamlValue } from 'yaml';
import { formatPath, InputError, type Issue, type PathSegment, type SourceDocument } from '../core/index.js';

/** One `--set path=value`: a dotted path (`system.gpu`, `deliveries.0.day`, `deliveries[0].day`) and a YAML-typed value. */
export interface SetOverride {
  /** The option as typed, for messages: `--set system.gpu=h200-sxm`. */
  text: string;
  path: PathSegment[];
  value: unknown;
}

/** Declare the repeatable `--set` on a command. */
export function addSetOption(cmd: Command): Command {
  return cmd.option(
    '--set <path=value>',
    'override a field of the file without editing it (repeatable; dotted path, YAML value), e.g. --set system.gpu=h200-sxm --set training.globalBatch=4096',
    (v: string, prev: string[] = []) => [...prev, v],
  );
}

/** Parse `--set` values; a malformed one is an InputError naming it. */
export function parseSets(values: readonly string[] | undefined): SetOverride[] {
  return (values ?? []).map((raw) => {
    const text = `--set ${raw}`;
    const eq = raw.indexOf('=');
    const pathText = eq < 0 ? '' : raw.slice(0, eq).trim();
    if (eq < 0 || pathText === '' || !/^[A-Za-z_$][\w$-]*(\[\d+\]|\.[\w$-]+)*$/.test(pathText)) {
      throw new InputError([{ path: '--set', message: 'is not path=value', expected: 'a dotted field path, =, and a value, e.g. system.gpu=h200-sxm or deliveries.0.day=90', received: JSON.stringify(raw) }]);
    }
    const path: PathSegment[] = pathText
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
    let value: unknown;
    const valueText = raw.slice(eq + 1);
    try {
      // YAML typing: 8 → number, true → boolean, h200-sxm → string, [1, 2] / {a: 1} → array / object, null → remove.
      value = valueText.trim() === '' ? '' : parseYamlValue(valueText);
    } catch (err) {
      throw new InputError([{ path: '--set', message: `has a value that is not YAML: ${(err as Error).message.split('\n')[0] ?? ''}`, received: JSON.stringify(raw) }]);
    }
    return { text, path, value };
  });
}

const pathLabel = formatPath;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `target` with `value` at `path` (copied along the path, the rest shared). */
function setIn(target: unknown, path: readonly PathSegment[], value: unknown, o: SetOverride, depth = 0): unknown {
  if (depth === path.length) return value;
  const seg = path[depth] as PathSegment;
  const here = pathLabel(path.slice(0, depth)) || 'the document';
  if (typeof seg === 'number') {
    if (!Array.isArray(target)) {
      throw new InputError([{ path: pathLabel(path.slice(0, depth)), file: o.text, message: `is not a list, so [${seg}] cannot be set`, received: target === undefined ? 'nothing' : typeof target }]);
    }
    if (seg > target.length) throw new InputError([{ path: here, file: o.text, message: `has ${target.length} item(s); [${seg}] is past the end`, expected: `an index up to ${target.length}` }]);
    const copy = [...(target as unknown[])];
    copy[seg] = setIn(copy[seg], path, value, o, depth + 1);
    return copy;
  }
  if (target === undefined || target === null) target = {};
  if (!isRecord(target)) {
    throw new InputError([
      {
        path: pathLabel(path.slice(0, depth)),
        file: o.text,
        message: `is ${typeof target === 'string' ? `the id ${JSON.stringify(target)}` : `a ${typeof target}`}, not an object, so its field ${JSON.stringify(seg)} cannot be set`,
        expected: `--set ${pathLabel(path.slice(0, depth))}=... for the whole value`,
      },
    ]);
  }
  const copy: Record<string, unknown> = { ...target };
  const next = setIn(copy[seg], path, value, o, depth + 1);
  if (depth === path.length - 1 && value === null) delete copy[seg];
  else copy[seg] = next;
  return copy;
}

/**
 * The document with the overrides applied, in order; the parser then validates it like the file.
 * For an array of specs each element gets them. Issues at an overridden field point at the `--set`
 * (see attributeToSets), not at the file's old line.
 */
export function applySets(doc: SourceDocument, sets: readonly SetOverride[]): SourceDocument {
  if (sets.length === 0) return doc;
  let value = doc.value;
  for (const o of sets) {
    value = Array.isArray(value) && typeof o.path[0] !== 'number' ? value.map((v) => setIn(v, o.path, o.value, o)) : setIn(value, o.path, o.value, o);
  }
  const under = (path: readonly PathSegment[]): boolean =>
    sets.some((o) => {
      const p = Array.isArray(doc.value) && typeof o.path[0] !== 'number' ? path.slice(1) : path;
      return o.path.every((s, i) => p[i] === s);
    });
  return { file: doc.file, value, positionOf: (path) => (under(path) ? undefined : doc.positionOf(path)) };
}

/** Issues at (or under) an overridden field name the `--set` that put the value there. */
export function attributeToSets(issues: readonly Issue[], sets: readonly SetOverride[]): Issue[] {
  if (sets.length === 0) return [...issues];
  return issues.map((issue) => {
    const path = issue.path.replace(/^\[\d+\]\.?/, '');
    const o = [...sets].reverse().find((s) => {
      const p = pathLabel(s.path);
      return path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`);
    });
    if (!o || issue.line !== undefined) return issue;
    const { line: _l, column: _c, ...rest } = issue;
    return { ...rest, file: o.text };
  });
}

/** Run `parse`, re-throwing its InputError with the issues at overridden fields attributed to their `--set`. */
export function attributing<T>(sets: readonly SetOverride[], parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof InputError && sets.length > 0) throw new InputError(attributeToSets(err.issues, sets));
    throw err;
  }
}
