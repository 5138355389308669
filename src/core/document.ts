import { LineCounter, isMap, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { InputError, type Issue } from './issue.js';

/** Path segments into a parsed document: object keys and array indices. */
export type PathSegment = string | number;

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

/** Parse text into a document. Throws InputError (with positions) for malformed YAML/JSON. */
export function parseDocumentText(text: string, file?: string): SourceDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) {
    const issues: Issue[] = doc.errors.slice(0, 5).map((e) => {
      const pos = e.linePos?.[0] ?? (e.pos ? lineCounter.linePos(e.pos[0]) : undefined);
      const issue: Issue = {
        path: '',
        message: `not valid YAML or JSON: ${e.message.split('\n')[0] ?? e.code}`,
      };
      if (file !== undefined) issue.file = file;
      if (pos) {
        issue.line = pos.line;
        issue.column = pos.col;
      }
      return issue;
    });
    throw new InputError(issues);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  return {
    file,
    value,
    positionOf(path) {
      let node: unknown = doc.contents;
      let found: YamlNode | undefined = node as YamlNode | undefined;
      for (const seg of path) {
        if (isMap(node)) node = node.get(seg, true);
        else if (isSeq(node) && typeof seg === 'number') node = node.get(seg, true);
        else break;
        if (node === undefined) break;
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
