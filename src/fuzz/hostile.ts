import fc from 'fast-check';
import { stringify } from 'yaml';

/**
 * Generators of hostile input documents for the fuzz suite: a valid base document with random
 * field mutations (absurd numbers, wrong types, prototype keys, unknown keys, deletions), written
 * as YAML or JSON, then sometimes damaged as text (truncation, stray characters, aliases, tags,
 * merge keys, deep nesting, many keys). Plus a fixed list of hand-made hostile files.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const hostileNumber = fc.constantFrom(0, -0, -1, 1, 0.5, 1e-308, 5e-324, 1e-300, 1e308, -1e308, 2 ** 53 + 1, 1e12, 1e18, 1e100, 3650, 3651, 100_000_001);
const hostileString = fc.oneof(
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-Infinity', '1e999', '__proto__', 'constructor', 'h100-sxm', 'nope', '%c%s%d', '\u0000', '\u202e', 'x'.repeat(10_000)),
  fc.string({ maxLength: 20 }),
);
const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'gpus ', 'GPUS'), fc.string({ minLength: 1, maxLength: 12 }));

const hostileValue: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileNumber,
    hostileString,
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** Every path (keys and indices) to a value in a JSON tree, up to `limit`. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = [], limit = 400): (string | number)[][] {
  if (out.length >= limit) return out;
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out, limit));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out, limit);
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? null : value;
  const copy: Json = structuredClone(root);
  let node = copy as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else {
    Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

type Mutation = { kind: 'set' | 'delete' | 'add'; pick: number; value: Json; key: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set', 'set', 'set', 'delete', 'add') as fc.Arbitrary<Mutation['kind']>,
  pick: fc.nat(),
  value: hostileValue,
  key: hostileKey,
});

function mutate(base: Json, ms: Mutation[]): Json {
  let doc = base;
  for (const m of ms) {
    const all = paths(doc);
    const path = all[m.pick % all.length] as (string | number)[];
    if (m.kind === 'set') doc = setAt(doc, path, m.value);
    else if (m.kind === 'delete' && path.length > 0) doc = setAt(doc, path, undefined);
    else if (m.kind === 'add') {
      const objPaths = all.filter((p) => {
        let n: Json = doc;
        for (const s of p) n = (n as Record<string | number, Json>)[s] as Json;
        return n !== null && typeof n === 'object' && !Array.isArray(n);
      });
      const target = objPaths[m.pick % Math.max(1, objPaths.length)];
      if (target) doc = setAt(doc, [...target, m.key], m.value);
    }
  }
  return doc;
}

type TextDamage = { kind: 'none' | 'truncate' | 'insert' | 'alias' | 'tag' | 'merge' | 'deep' | 'keys' | 'dupe' | 'bom'; at: number; text: string };
const textDamage: fc.Arbitrary<TextDamage> = fc.record({
  kind: fc.constantFrom('none', 'none', 'none', 'none', 'none', 'none', 'truncate', 'insert', 'alias', 'tag', 'merge', 'deep', 'keys', 'dupe', 'bom') as fc.Arbitrary<TextDamage['kind']>,
  at: fc.nat(),
  text: fc.constantFrom('*nope', '&a', '!!binary aGk=', '!!js/function "x"', '!foo', '<<: *a', '{', '[', ']', '}', ':', '- ', '"', "'", '\t', '\n  ', '#', '%YAML 1.1\n---\n', '---\n', '...\n', ',', '\u0000'),
});

function damage(text: string, d: TextDamage): string {
  const at = text.length === 0 ? 0 : d.at % text.length;
  switch (d.kind) {
    case 'none':
      return text;
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + d.text + text.slice(at);
    case 'alias':
      return `${text}\nx${at}: *nope${at}\n`;
    case 'tag':
      return `${text}\ntagged: ${d.text.startsWith('!') ? d.text : '!!binary aGk='}\n`;
    case 'merge':
      return `base: &a { gpus: 8 }\n${text}\nmerged: { <<: *a }\n`;
    case 'deep': {
      const depth = [10, 63, 65, 200, 5000][at % 5] as number;
      return `${text}\nnest: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    }
    case 'keys':
      return text + Array.from({ length: [30, 5000, 10_001][at % 3] as number }, (_, i) => `\nk${i}: ${i}`).join('');
    case 'dupe': {
      const lines = text.split('\n');
      const line = lines[at % Math.max(1, lines.length)] ?? '';
      return `${text}\n${line}\n`;
    }
    case 'bom':
      return `\uFEFF${text}`;
  }
}

export interface HostileCase {
  text: string;
  /** Media type for a request body; `json` texts are strict JSON unless damaged. */
  type: 'application/json' | 'application/yaml';
  file: string;
}

/** Hostile cases derived from one valid base document. */
export function hostileCases(base: Json): fc.Arbitrary<HostileCase> {
  return fc
    .record({ ms: fc.array(mutation, { minLength: 0, maxLength: 3 }), asJson: fc.boolean(), d: textDamage })
    .map(({ ms, asJson, d }) => {
      const doc = mutate(base, ms);
      const text = damage(asJson ? JSON.stringify(doc) : stringify(doc), d);
      return { text, type: asJson ? 'application/json' : 'application/yaml', file: asJson ? 'case.json' : 'case.yaml' } as HostileCase;
    });
}

/** Hand-made hostile files: every one must be refused cleanly or answered, never crash or hang. */
export function handMadeHostileFiles(): { name: string; text: string }[] {
  const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) laughs.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
  return [
    { name: 'empty', text: '' },
    { name: 'whitespace', text: ' \n\t\n' },
    { name: 'deep-flow-1000', text: '['.repeat(1000) + ']'.repeat(1000) },
    { name: 'deep-flow-100000', text: '['.repeat(100_000) + ']'.repeat(100_000) },
    { name: 'deep-map-flow', text: 'a: ' + '{b: '.repeat(3000) + '1' + '}'.repeat(3000) },
    { name: 'deep-block', text: Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n' },
    { name: 'deep-compact-seq', text: '- '.repeat(20_000) + 'x\n' },
    { name: 'keys-60000', text: 'model: llama3-405b\n' + Array.from({ length: 60_000 }, (_, i) => `k${i}: 1`).join('\n') },
    { name: 'array-1e6', text: `[${'1,'.repeat(1_000_000)}1]` },
    { name: 'alias-undefined', text: 'a: *nope\n' },
    { name: 'alias-self', text: 'a: &a [*a]\n' },
    { name: 'billion-laughs', text: laughs.join('\n') },
    { name: 'merge-key', text: 'base: &b { gpus: 8 }\nsystem: { <<: *b, gpu: h100-sxm }\n' },
    { name: 'tag-binary', text: 'model: !!binary aGk=\n' },
    { name: 'tag-js', text: 'model: !!js/function "function(){}"\n' },
    { name: 'tag-custom', text: 'model: !foo bar\n' },
    { name: 'tag-set', text: 'model: !!set { a, b }\n' },
    { name: 'tag-timestamp', text: 'model: !!timestamp 2001-12-14\n' },
    { name: 'huge-numbers', text: 'model: llama3-405b\nsystem: { gpu: h100-sxm, gpus: 1e400 }\ntraining: { seqLen: 1e308, globalBatch: -1e308 }\n' },
    { name: 'proto-key', text: '__proto__: { polluted: true }\nmodel: llama3-405b\n' },
    { name: 'constructor-key', text: 'constructor: { prototype: { polluted: true } }\n' },
    { name: 'json-proto', text: '{"__proto__": {"polluted": true}, "model": "llama3-405b"}' },
    { name: 'duplicate-keys', text: 'model: a\nmodel: b\n' },
    { name: 'trailing-comma-json', text: '{"model": "llama3-405b",}' },
    { name: 'nul-bytes', text: 'model: llama\u0000\u0000\n' },
    { name: 'binary', text: String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) },
    { name: 'bom-json', text: '\uFEFF{"model": "llama3-405b"}' },
    { name: 'multi-doc', text: 'a: 1\n---\nb: 2\n' },
    { name: 'complex-key', text: '? [a, b]\n: 1\n' },
    { name: 'format-string', text: 'model: "%c%s%d%o"\n' },
    { name: 'long-string', text: `model: "${'x'.repeat(1_000_000)}"\n` },
  ];
}
