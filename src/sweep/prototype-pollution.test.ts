import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../core/index.js';
import { cloneJson, setPath } from './dotted-path.js';
import { parseSweepDocument } from './parse-sweep.js';

const BASE = `base:
  model: llama3-8b
  system: { gpu: h100-sxm, gpus: 8 }
  training: { seqLen: 4096, globalBatch: 64 }
`;

describe('sweep axes cannot reach a prototype (audit hole 7)', () => {
  it('refuses an axis through __proto__, constructor or prototype, naming the axis; Object.prototype untouched', () => {
    for (const seg of ['__proto__', 'constructor', 'prototype']) {
      const r = parseSweepDocument(parseDocumentText(`name: p\n${BASE}grid:\n  training.${seg}.tokens: [1000000000]\n`, 'sweep.yaml'));
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.issues[0]).toMatchObject({ path: `grid.training.${seg}.tokens`, file: 'sweep.yaml', line: 7 });
      expect(r.issues[0]?.message).toContain(seg);
    }
    expect(({} as Record<string, unknown>).tokens).toBeUndefined();
  });

  it('setPath refuses prototype segments and only walks own fields; cloneJson keeps a "__proto__" key as data', () => {
    const root: Record<string, unknown> = { training: {} };
    expect(setPath(root, ['training', '__proto__', 'tokens'], 1e9)).toBe(false);
    expect(setPath(root, ['constructor', 'prototype', 'x'], 1)).toBe(false);
    expect(({} as Record<string, unknown>).tokens).toBeUndefined();
    // `toString` is inherited, not an own field: a path through it creates a plain object instead.
    expect(setPath(root, ['toString', 'x'], 1)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(root, 'toString')?.value).toEqual({ x: 1 });
    const copy = cloneJson(JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['__proto__']);
  });
});
