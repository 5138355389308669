import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node as YamlNode, type YAMLMap } from 'yaml';
import { InputError, type Issue } from './issue.js';
import { DOCUMENT_LIMITS, checkTextSize, checkValueLimits, positionAt, scanYamlText, type DocumentLimits } from './limits.js';

/** Path segments into a parsed document: object keys and array indices. */
export type PathSegment = string | number;

/** Most alias expansions in one document (a "billion laughs" file stops here). */
export const MAX_ALIAS_COUNT = 100;

/**
 * A parsed YAML or JSON document (JSON is read as YAML 1.2, of which it is a subset) that can
 * say where any value came from, so that validation issues point at a file, line and column.
 */
export interface SourceDocument {
  readonly file: string | undefined;
  readonly value: unknown;
  /** 1-based line/column of the value at `path` (or of its nearest present ancestor). */
  positionOf(path: readonly PathSegment[]): { line: number; column: number } | undefined;
}

export interface ParseOptions {
  /** The text must be strict JSON (a `.json` file, an `application/json` body): no trailing commas, comments or YAML. */
  json?: boolean;
  limits?: DocumentLimits;
}

/** True when a file name says it holds JSON. */
export function isJsonFileName(file: string | undefined): boolean {
  return file !== undefined && /\.json$/i.test(file);
}

function issueAt(file: string | undefined, path: string, message: string, pos?: { line: number; column: number }): Issue {
  const issue: Issue = { path, message };
  if (file !== undefined) issue.file = file;
  if (pos) {
    issue.line = pos.line;
    issue.column = pos.column;
  }
  return issue;
}

/** Refuse text that is not strict JSON, with the position JSON.parse names. */
function checkStrictJson(text: string, file: string | undefined): void {
  try {
    JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const pos = at ? positionAt(text, Number(at[1])) : undefined;
    throw new InputError([
      { ...issueAt(file, '', `not valid JSON: ${message.split('\n')[0] ?? 'syntax error'}`, pos), expected: 'a JSON document (a .yaml file may use YAML)' },
    ]);
  }
}

/** The field path of a node, found by walking its ancestors as `visit` gives them. */
function pathOfNode(ancestors: readonly unknown[], node: unknown): PathSegment[] {
  const chain = [...ancestors, node];
  const out: PathSegment[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const here = chain[i];
    const next = chain[i + 1];
    if (isSeq(here)) out.push(here.items.indexOf(next as never));
    else if (isPair(here) && next === here.value) out.push(isScalar(here.key) ? String(here.key.value) : String(here.key));
  }
  return out;
}

/** An error from turning a YAML document into values (unresolved or excessive aliases), as issues with positions. */
function toJsIssues(doc: Document, err: unknown, file: string | undefined, lineCounter: LineCounter): Issue[] {
  const text = err instanceof Error ? err.message : String(err);
  if (/alias count/i.test(text)) {
    return [{ ...issueAt(file, '', 'uses too many aliases'), expected: `at most ${MAX_ALIAS_COUNT} alias expansions`, received: 'more' }];
  }
  const issues: Issue[] = [];
  const anchors = new Set<string>();
  visit(doc, {
    Node(_key, node) {
      if (node.anchor) anchors.add(node.anchor);
    },
    Alias(_key, node, ancestors) {
      if (issues.length >= 5 || node.resolve(doc) !== undefined) return;
      const pos = node.range ? lineCounter.linePos(node.range[0]) : undefined;
      const path = pathOfNode(ancestors, node);
      issues.push({
        ...issueAt(file, formatPath(path), `refers to the anchor "${node.source}", which is not defined before it`, pos ? { line: pos.line, column: pos.col } : undefined),
        expected: anchors.size ? `an alias to a defined anchor (${[...anchors].slice(0, 5).join(', ')})` : 'an alias to an anchor defined earlier with &name',
        received: `*${node.source}`,
      });
    },
  });
  if (issues.length > 0) return issues;
  return [issueAt(file, '', `not valid YAML: ${text.split('\n')[0] ?? 'cannot read the document'}`)];
}

/**
 * Every map in the document (iteratively): at most `maxKeys` keys, each key a plain scalar that
 * appears once. Linear in the size of the document.
 */
function checkMaps(doc: Document, file: string | undefined, lineCounter: LineCounter, limits: DocumentLimits): void {
  const at = (node: { range?: [number, number, number] | null | undefined } | null | undefined): { line: number; column: number } | undefined => {
    if (!node?.range) return undefined;
    const p = lineCounter.linePos(node.range[0]);
    return { line: p.line, column: p.col };
  };
  const stack: { node: unknown; path: PathSegment[] }[] = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: unknown; path: PathSegment[] };
    if (isSeq(node)) {
      if (node.items.length > limits.maxItems) {
        throw new InputError([{ ...issueAt(file, formatPath(path), 'has too many elements', at(node)), expected: `at most ${limits.maxItems}`, received: `an array of ${node.items.length}` }]);
      }
      node.items.forEach((item, i) => stack.push({ node: item, path: [...path, i] }));
      continue;
    }
    if (!isMap(node)) continue;
    if (node.items.length > limits.maxKeys) {
      throw new InputError([{ ...issueAt(file, formatPath(path), 'has too many keys', at(node)), expected: `at most ${limits.maxKeys}`, received: `${node.items.length} keys` }]);
    }
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = pair.key;
      if (key !== null && !isScalar(key)) {
        throw new InputError([{ ...issueAt(file, formatPath(path), 'has a key that is a list or a map', at(key as YamlNode)), expected: 'keys that are names' }]);
      }
      const name = key === null ? '' : String(key.value);
      const id = key === null ? 'null' : `${typeof key.value}:${name}`;
      if (seen.has(id)) {
        throw new InputError([
          { ...issueAt(file, formatPath([...path, name]), `not valid YAML or JSON: the key "${name}" appears twice in one map`, at(key)), expected: 'each key once' },
        ]);
      }
      seen.add(id);
      stack.push({ node: pair.value, path: [...path, name] });
    }
  }
}

/**
 * Parse text into a document. Throws InputError (with positions) for malformed YAML/JSON and for a
 * document over the limits (size, nesting, values, keys, list length), which are checked before the
 * YAML composer runs. Never throws anything else for any text.
 */
export function parseDocumentText(text: string, file?: string, options: ParseOptions = {}): SourceDocument {
  const limits = options.limits ?? DOCUMENT_LIMITS;
  const lineCounter = new LineCounter();
  checkTextSize(text, file, limits);
  if (options.json ?? isJsonFileName(file)) checkStrictJson(text, file);
  scanYamlText(text, file, limits);
  // The library's own duplicate-key check compares every pair of keys (quadratic: 60,000 keys took
  // minutes); `checkMaps` does it with a set, after the key-count limit.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
  if (doc.errors.length > 0) {
    const issues: Issue[] = doc.errors.slice(0, 5).map((e) => {
      const pos = e.linePos?.[0] ?? (e.pos ? lineCounter.linePos(e.pos[0]) : undefined);
      return issueAt(file, '', `not valid YAML or JSON: ${e.message.split('\n')[0] ?? e.code}`, pos ? { line: pos.line, column: pos.col } : undefined);
    });
    throw new InputError(issues);
  }
  checkMaps(doc, file, lineCounter, limits);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw new InputError(toJsIssues(doc, err, file, lineCounter));
  }
  checkValueLimits(value, file, limits);
  // Key → node per map, built on first use, so that positions of many issues cost linear time.
  const index = new WeakMap<YAMLMap, Map<string, YamlNode>>();
  const childOf = (map: YAMLMap, seg: PathSegment): unknown => {
    let keys = index.get(map);
    if (!keys) {
      keys = new Map();
      for (const pair of map.items) {
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        const name = String(k);
        if (!keys.has(name)) keys.set(name, (pair.value ?? pair.key) as YamlNode);
      }
      index.set(map, keys);
    }
    return keys.get(String(seg));
  };
  return {
    file,
    value,
    positionOf(path) {
      let node: unknown = doc.contents;
      let found: YamlNode | undefined = node as YamlNode | undefined;
      for (const seg of path) {
        if (isAlias(node)) node = node.resolve(doc);
        if (isMap(node)) node = childOf(node, seg);
        else if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
        else break;
        if (node === undefined || node === null) break;
        found = node as YamlNode;
      }
      const range = found?.range;
      if (!range) return undefined;
      const pos = lineCounter.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    },
  };
}

/** Format a path as people write it: `parallel.tp`, `[2].model`, `causes[0].name`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}
