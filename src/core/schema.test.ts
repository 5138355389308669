import { describe, expect, it } from 'vitest';
import { parseDocumentText } from './document.js';
import { MAX_UNKNOWN_KEY_ISSUES, newReadContext } from './read.js';
import * as v from 'valibot';
import { bool, list, num, obj, oneOf, optional, parsedField, str, validate } from './schema.js';

const Schema = obj({
  name: str(),
  count: num({ integer: true, min: 1, max: 8 }),
  ratio: optional(num({ above: 0 })),
  on: optional(bool()),
  kind: optional(oneOf(['alpha', 'beta'])),
  rows: optional(list(obj({ seqLen: num() }))),
});

function check(text: string) {
  const doc = parseDocumentText(text, 'f.yaml');
  const ctx = newReadContext(doc);
  const out = validate(ctx, Schema, doc.value);
  return { out, issues: ctx.issues };
}

describe('validate (Valibot schemas, issues worded as the readers word them)', () => {
  it('returns the typed value, with null fields as absent', () => {
    const { out, issues } = check('name: a\ncount: 2\nratio:\nkind: beta\n');
    expect(issues).toEqual([]);
    expect(out).toEqual({ name: 'a', count: 2, kind: 'beta' });
  });

  it('words each kind of issue, with the position of the value', () => {
    const { out, issues } = check('name: ""\ncount: 9\nratio: -1\non: yes\nkind: gamma\nrows: [{ seqlen: 1 }]\n');
    expect(out).toBeUndefined();
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(byPath['name']).toMatchObject({ message: 'has the wrong type', expected: 'a non-empty string', line: 1, column: 7 });
    expect(byPath['count']).toMatchObject({ message: 'is out of range', expected: 'an integer >= 1 and <= 8', received: '9', line: 2 });
    expect(byPath['ratio']).toMatchObject({ message: 'is out of range', expected: 'a number > 0' });
    expect(byPath['on']).toMatchObject({ message: 'has the wrong type', expected: 'true or false', received: '"yes"' });
    expect(byPath['kind']).toMatchObject({ message: 'is not an allowed value', expected: 'one of alpha, beta', received: '"gamma"' });
    expect(byPath['rows[0].seqlen']).toMatchObject({ message: 'is not a known field (did you mean "seqLen"?)', expected: 'one of seqLen', line: 6 });
    expect(byPath['rows[0].seqLen']).toMatchObject({ message: 'is required', expected: 'a number' });
  });

  it('reports a missing or null required field once, and a list where a map belongs', () => {
    expect(check('count:\n').issues.map((i) => `${i.path} ${i.message} (${i.expected ?? ''})`)).toEqual([
      'name is required (a string)',
      'count is required (an integer >= 1 and <= 8)',
    ]);
    expect(check('[1, 2]').issues).toMatchObject([{ path: '', message: 'has the wrong type', expected: 'an object' }]);
    expect(check('').issues).toMatchObject([{ path: '', message: 'is required', expected: 'an object' }]);
  });

  it('refuses infinities as the wrong type', () => {
    expect(check('name: a\ncount: .inf\n').issues).toMatchObject([{ path: 'count', message: 'has the wrong type' }]);
  });

  it('names every unknown key up to the limit, then counts the rest', () => {
    const keys = Array.from({ length: MAX_UNKNOWN_KEY_ISSUES + 5 }, (_, i) => `extra${i}: 1`).join('\n');
    const { issues } = check(`name: a\ncount: 1\n${keys}\n`);
    expect(issues).toHaveLength(MAX_UNKNOWN_KEY_ISSUES + 1);
    expect(issues.at(-1)?.message).toMatch(/and 5 more unknown fields/);
  });

  it('accepts a $schema string at the top of a document, nowhere else', () => {
    expect(check('$schema: ../schemas/x.schema.json\nname: a\ncount: 1\n').issues).toEqual([]);
    expect(check('$schema: 3\nname: a\ncount: 1\n').issues).toMatchObject([{ path: '$schema', message: 'has the wrong type' }]);
    expect(check('name: a\ncount: 1\nrows: [{ seqLen: 1, $schema: x }]\n').issues).toMatchObject([{ path: 'rows[0].$schema', message: 'is not a known field' }]);
  });

  const Mixed = obj({
    grid: optional(v.record(v.string(), list(v.unknown(), 'a list'), 'an object')),
    base: optional(v.record(v.string(), v.unknown(), 'an object')),
    storage: optional(v.union([oneOf(['fast', 'slow']), obj({ gbps: num({ above: 0 }) })], 'a name or an object')),
    interval: optional(v.union([num({ above: 0 }), oneOf(['auto'])], 'seconds or auto')),
  });
  const run = (value: unknown) => {
    const ctx = newReadContext();
    const out = validate(ctx, Mixed, value);
    return { out, issues: ctx.issues.map((i) => `${i.path}: ${i.message} (${i.expected ?? ''})`) };
  };

  it('keeps nulls that are values (in records), and reports a null where a record wants a list', () => {
    expect(run({ base: { a: null } })).toEqual({ out: { base: { a: null } }, issues: [] });
    expect(run({ grid: { a: null } }).issues).toEqual(['grid.a: has the wrong type (a list)']);
    expect(run({ grid: [1, 2] }).issues).toEqual(['grid: has the wrong type (an object)']);
  });

  it('checks a map given to a union as the map option: unknown keys and the fields, at their paths', () => {
    expect(run({ storage: 'fast', interval: 'auto' }).issues).toEqual([]);
    expect(run({ storage: { gbps: 0, gpbs: 1 } }).issues).toEqual([
      'storage.gpbs: is not a known field (did you mean "gbps"?) (one of gbps)',
      'storage.gbps: is out of range (a number > 0)',
    ]);
    expect(run({ storage: 'medium' }).issues).toEqual(['storage: has the wrong type (a name or an object)']);
    expect(run({ interval: 0 }).issues).toEqual(['interval: is out of range (a number > 0)']);
  });

  it('parsedField reads one field on its own, with its default, when others have issues', () => {
    const S = obj({ a: optional(num({ min: 0 }), 5), b: num() });
    expect(parsedField(S, { b: 'x' }, 'a')).toBe(5);
    expect(parsedField(S, { a: 2, b: 'x' }, 'a')).toBe(2);
    expect(parsedField(S, { a: -1 }, 'a')).toBeUndefined();
  });
});
