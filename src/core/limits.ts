import { CST, Lexer } from 'yaml';
import { InputError, describeValue, type Issue } from './issue.js';
import type { PathSegment } from './document.js';

/**
 * How big and how deep an input document may be. The same limits hold for every file the CLI reads
 * and every body the server accepts (the server has a smaller byte limit on top: its request body
 * limit). They are far above any real spec, scenario, sweep or profile (the largest bundled file
 * nests 6 deep and holds a few thousand values) and low enough that parsing and validating a
 * document that passes them costs at most a few hundred milliseconds and tens of MB.
 */
export interface DocumentLimits {
  /** Largest document, in bytes of UTF-8 text. */
  readonly maxBytes: number;
  /** Deepest nesting of maps and lists (the root is depth 1). */
  readonly maxDepth: number;
  /** Most values (scalars, maps and lists) in one document. */
  readonly maxNodes: number;
  /** Most keys in one map. */
  readonly maxKeys: number;
  /** Most elements in one list. */
  readonly maxItems: number;
}

export const DOCUMENT_LIMITS: DocumentLimits = {
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxNodes: 100_000,
  maxKeys: 10_000,
  maxItems: 50_000,
};

function limitIssue(file: string | undefined, path: string, message: string, expected: string, received: string, pos?: { line: number; column: number }): Issue {
  const issue: Issue = { path, message, expected, received };
  if (file !== undefined) issue.file = file;
  if (pos) {
    issue.line = pos.line;
    issue.column = pos.column;
  }
  return issue;
}

/** 1-based line and column of a character offset in `text`. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Refuse a document whose text is too large. Cheap: call first. */
export function checkTextSize(text: string, file: string | undefined, limits: DocumentLimits = DOCUMENT_LIMITS): void {
  // String length is UTF-16 units; bytes are at most 3 per unit, and at least one: check both ends cheaply.
  if (text.length <= limits.maxBytes / 3) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    throw new InputError([limitIssue(file, '', 'is too large', `at most ${limits.maxBytes} bytes`, `${bytes} bytes`)]);
  }
}

/**
 * One pass of the YAML lexer (iterative, linear) that refuses a document nesting deeper than
 * `maxDepth` or holding more than `maxNodes` values, before the (recursive) composer sees it.
 * Nesting is over-estimated a little for block collections (each line counts its indentation
 * levels plus its `-`, `?` and `:` indicators), never under-estimated.
 */
export function scanYamlText(text: string, file: string | undefined, limits: DocumentLimits = DOCUMENT_LIMITS): void {
  checkTextSize(text, file, limits);
  const indents: number[] = [];
  let offset = 0;
  let atLineStart = true;
  let lineIndent = 0;
  let lineIndicators = 0;
  let flow = 0;
  let nodes = 0;
  let scalarBody = false;
  for (const tok of new Lexer().lex(text)) {
    const start = offset;
    offset += tok.length;
    if (scalarBody) {
      // The source of a scalar follows its marker token; a multi-line scalar may end a line.
      scalarBody = false;
      if (tok.endsWith('\n')) {
        atLineStart = true;
        lineIndent = 0;
        lineIndicators = 0;
      }
      continue;
    }
    const type = CST.tokenType(tok);
    if (type === 'newline') {
      atLineStart = true;
      lineIndent = 0;
      lineIndicators = 0;
      continue;
    }
    if (type === 'space') {
      if (atLineStart) lineIndent += tok.length;
      continue;
    }
    if (type === 'comment' || type === 'doc-mode' || type === 'byte-order-mark' || type === 'doc-start' || type === 'doc-end' || type === 'directive-line') {
      continue;
    }
    if (atLineStart) {
      atLineStart = false;
      if (flow === 0) {
        while (indents.length > 0 && (indents[indents.length - 1] as number) >= lineIndent) indents.pop();
        indents.push(lineIndent);
        lineIndicators = 0;
      }
    }
    switch (type) {
      case 'seq-item-ind':
      case 'explicit-key-ind':
      case 'map-value-ind':
        if (flow === 0) lineIndicators++;
        break;
      case 'flow-map-start':
      case 'flow-seq-start':
        flow++;
        nodes++;
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
      case 'flow-error-end':
        if (flow > 0) flow--;
        break;
      case 'scalar':
        scalarBody = true;
        nodes++;
        break;
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'alias':
        nodes++;
        break;
      default:
        break;
    }
    const depth = indents.length + lineIndicators + flow;
    if (depth > limits.maxDepth) {
      throw new InputError([limitIssue(file, '', 'nests too deeply', `at most ${limits.maxDepth} levels of maps and lists`, `more than ${limits.maxDepth}`, positionAt(text, start))]);
    }
    if (nodes > limits.maxNodes) {
      throw new InputError([limitIssue(file, '', 'holds too many values', `at most ${limits.maxNodes} values`, `more than ${limits.maxNodes}`, positionAt(text, start))]);
    }
  }
}

function pathText(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Check a parsed value (from JSON.parse or a composed YAML document) against the limits, without
 * recursion: depth, keys per map, items per list, total values; and that it holds only JSON data
 * (no binary, dates, sets or other tagged YAML types, no cycles through aliases). Returns issues,
 * each with the path of the offending value, or throws nothing.
 */
export function valueLimitIssues(value: unknown, file: string | undefined, limits: DocumentLimits = DOCUMENT_LIMITS): Issue[] {
  const stack: { v: unknown; path: PathSegment[] }[] = [{ v: value, path: [] }];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, path } = stack.pop() as { v: unknown; path: PathSegment[] };
    nodes++;
    if (nodes > limits.maxNodes) return [limitIssue(file, '', 'holds too many values', `at most ${limits.maxNodes} values`, `more than ${limits.maxNodes}`)];
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function') {
        return [limitIssue(file, pathText(path), 'is not JSON data', 'a string, number, boolean, null, list or map', typeof v)];
      }
      continue;
    }
    if (path.length >= limits.maxDepth) {
      return [limitIssue(file, pathText(path), 'nests too deeply (or an alias refers to its own ancestor)', `at most ${limits.maxDepth} levels of maps and lists`, `more than ${limits.maxDepth}`)];
    }
    if (Array.isArray(v)) {
      if (v.length > limits.maxItems) return [limitIssue(file, pathText(path), 'has too many elements', `at most ${limits.maxItems}`, describeValue(v))];
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
      continue;
    }
    if (!isPlainObject(v)) {
      const kind = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      return [limitIssue(file, pathText(path), 'is a YAML type colossus does not read', 'a string, number, boolean, null, list or map', `a ${kind}`)];
    }
    const keys = Object.keys(v);
    if (keys.length > limits.maxKeys) return [limitIssue(file, pathText(path), 'has too many keys', `at most ${limits.maxKeys}`, `${keys.length} keys`)];
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i] as string;
      stack.push({ v: (v as Record<string, unknown>)[k], path: [...path, k] });
    }
  }
  return [];
}

/** `valueLimitIssues`, throwing an InputError when there are any. */
export function checkValueLimits(value: unknown, file: string | undefined, limits: DocumentLimits = DOCUMENT_LIMITS): void {
  const issues = valueLimitIssues(value, file, limits);
  if (issues.length > 0) throw new InputError(issues);
}
