import { describe, expect, it } from 'vitest';
import { parseSpecValue } from '../spec/index.js';
import { parseDocumentText } from './document.js';
import { InputError, type Issue } from './issue.js';
import { DOCUMENT_LIMITS, valueLimitIssues } from './limits.js';
import { MAX_UNKNOWN_KEY_ISSUES } from './read.js';

const SPEC = 'model: llama3-405b\nsystem: { gpu: h100-sxm, gpus: 16384 }\ntraining: { seqLen: 8192, globalBatch: 2048, precision: bf16 }\nparallel: { tp: 8, pp: 16, dp: 128 }\n';

/** The issues parseDocumentText refuses `text` with (fails the test if it accepts it or throws anything else). */
function refused(text: string, file = 'f.yaml'): Issue[] {
  try {
    parseDocumentText(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).issues;
  }
  throw new Error('accepted');
}

function ms(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

describe('document limits (every file and body)', () => {
  it('refuses deep flow nesting before the YAML composer runs, however deep, fast, every time', () => {
    for (const depth of [65, 1000, 100_000]) {
      for (let i = 0; i < 3; i++) {
        let issues: Issue[] = [];
        expect(ms(() => (issues = refused('['.repeat(depth) + ']'.repeat(depth))))).toBeLessThan(1000);
        expect(issues[0]).toMatchObject({ message: 'nests too deeply', file: 'f.yaml', line: 1, expected: 'at most 64 levels of maps and lists' });
      }
    }
    expect(refused('a: ' + '{b: '.repeat(200) + '1' + '}'.repeat(200))[0]?.message).toBe('nests too deeply');
  });

  it('refuses deep block nesting: indented maps and compact "- - -" lists', () => {
    const indented = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(refused(indented)[0]).toMatchObject({ message: 'nests too deeply' });
    expect(refused('- '.repeat(5000) + 'x\n')[0]).toMatchObject({ message: 'nests too deeply', line: 1 });
  });

  it('accepts nesting up to the limit and brackets inside strings and block scalars', () => {
    const depth = DOCUMENT_LIMITS.maxDepth - 1;
    expect(() => parseDocumentText('['.repeat(depth) + ']'.repeat(depth))).not.toThrow();
    expect(parseDocumentText(`a: "${'['.repeat(500)}"\nb: |\n  ${'{'.repeat(500)}\nc: '${'['.repeat(100)}'\n`).value).toMatchObject({ a: '['.repeat(500) });
    expect(parseDocumentText(SPEC).value).toMatchObject({ model: 'llama3-405b' });
  });

  it('refuses too many values, keys or list elements, and too many bytes', () => {
    expect(refused(`[${'1,'.repeat(300_000)}1]`)[0]?.message).toBe('holds too many values');
    expect(refused(Array.from({ length: 10_001 }, (_, i) => `k${i}: 1`).join('\n'))[0]).toMatchObject({ path: '', message: 'has too many keys' });
    expect(refused(`a: [${'1,'.repeat(50_000)}1]`)[0]).toMatchObject({ path: 'a', message: 'has too many elements' });
    const big = 'a: "' + 'x'.repeat(DOCUMENT_LIMITS.maxBytes) + '"';
    expect(refused(big)[0]).toMatchObject({ message: 'is too large' });
  });

  it('the same limits for parsed JSON values (server bodies)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(valueLimitIssues(deep, undefined)[0]?.message).toMatch(/nests too deeply/);
    expect(valueLimitIssues({ a: new Array(50_001).fill(0) }, undefined)[0]).toMatchObject({ path: 'a', message: 'has too many elements' });
    expect(valueLimitIssues(JSON.parse(SPEC.length ? '{"a":{"b":[1,{"c":2}]}}' : '{}'), undefined)).toEqual([]);
  });

  it('maps YAML alias errors to issues at the alias: undefined, circular, excessive', () => {
    expect(refused('a: *nope\n')[0]).toMatchObject({ path: 'a', line: 1, column: 4, received: '*nope', file: 'f.yaml' });
    expect(refused('x: 1\nlist:\n  - 2\n  - *later\ny: &later 3\n')[0]).toMatchObject({ path: 'list[1]', line: 4 });
    expect(refused('a: &a [*a]\n')[0]?.message).toMatch(/nests too deeply|alias/);
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) laughs.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    expect(refused(laughs.join('\n'))[0]).toMatchObject({ message: 'uses too many aliases' });
  });

  it('refuses tagged YAML types that are not JSON data (binary, sets, timestamps)', () => {
    expect(refused('a: !!binary aGk=\n')[0]).toMatchObject({ path: 'a', message: 'is a YAML type colossus does not read' });
    expect(refused('a: !!set {x: null}\n')[0]?.path).toBe('a');
  });

  it('a .json file must be strict JSON: a trailing comma or a comment is refused, with its position', () => {
    expect(refused('{"a": 1,\n}', 'spec.json')[0]).toMatchObject({ file: 'spec.json', line: 2, column: 1 });
    expect(refused('{"a": 1} # c', 'spec.json')[0]?.message).toMatch(/^not valid JSON/);
    expect(() => parseDocumentText('{"a": 1,\n}', 'spec.yaml')).not.toThrow();
    expect(() => parseDocumentText('{"a": [1, 2]}', 'spec.json')).not.toThrow();
  });

  it('60,000 unknown keys: refused by the value limit before parsing, fast', () => {
    const text = SPEC + Array.from({ length: 60_000 }, (_, i) => `k${i}: 1`).join('\n');
    let issues: Issue[] = [];
    expect(ms(() => (issues = refused(text)))).toBeLessThan(2000);
    expect(issues[0]?.message).toBe('holds too many values');
  });

  it('unknown-key reporting is linear: 9,000 unknown keys in a spec take well under a second, issues capped', () => {
    const text = SPEC + Array.from({ length: 9_000 }, (_, i) => `k${i}: 1`).join('\n');
    const doc = parseDocumentText(text, 'keys.yaml');
    let issues: Issue[] = [];
    expect(
      ms(() => {
        const r = parseSpecValue(doc.value, doc);
        issues = r.ok ? [] : r.issues;
      }),
    ).toBeLessThan(2000);
    expect(issues).toHaveLength(MAX_UNKNOWN_KEY_ISSUES + 1);
    expect(issues[0]).toMatchObject({ path: 'k0', line: 5, file: 'keys.yaml' });
    expect(issues.at(-1)).toMatchObject({ path: `k${MAX_UNKNOWN_KEY_ISSUES}`, message: `and ${9000 - MAX_UNKNOWN_KEY_ISSUES} more unknown fields in this map (not listed one by one)` });
  });
});
