import { describe, expect, it } from 'vitest';
import { findGpu, type GpuSpec } from '../catalog/index.js';
import { InputError, parseDocumentText } from '../core/index.js';
import { parseProfile, parseProfileValue } from './parse-profile.js';
import { synthesizeProfile } from './synthesize-profile.js';

const good = synthesizeProfile({ gpu: findGpu('h100-sxm') as GpuSpec, quick: true, notes: 'test' });

/** A copy of the good profile with `edit` applied to a JSON clone. */
function variant(edit: (p: Record<string, unknown> & { gemm: Record<string, unknown>[]; attention: Record<string, unknown>[]; memory: Record<string, unknown>[]; device: Record<string, unknown> }) => void): unknown {
  const p = JSON.parse(JSON.stringify(good));
  edit(p);
  return p;
}

function issuesOf(value: unknown) {
  const r = parseProfileValue(value);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.issues;
}

describe('parseProfileValue', () => {
  it('accepts a profile and round-trips it through JSON unchanged', () => {
    const r = parseProfileValue(JSON.parse(JSON.stringify(good)));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.profile).toEqual(good);
  });

  it('accepts a profile with no attention or memory rows (those keep the defaults)', () => {
    expect(parseProfileValue(variant((p) => ((p.attention = []), (p.memory = [])))).ok).toBe(true);
  });

  const refusals: [string, (p: Parameters<Parameters<typeof variant>[0]>[0]) => void, string, RegExp][] = [
    ['a newer schema', (p) => (p.schemaVersion = 2), 'schemaVersion', /newer colossus/],
    ['a missing device name', (p) => delete p.device.name, 'device.name', /is required/],
    ['a GEMM size that is not a number', (p) => ((p.gemm[1] as Record<string, unknown>).m = '4096'), 'gemm[1].m', /wrong type/],
    ['a negative time', (p) => ((p.gemm[0] as Record<string, unknown>).ms = -1), 'gemm[0].ms', /out of range/],
    ['a rate that does not match its time', (p) => ((p.gemm[2] as Record<string, unknown>).tflops = 9999), 'gemm[2].tflops', /does not match 2·m·n·k \/ ms/],
    ['an unknown dtype', (p) => ((p.gemm[0] as Record<string, unknown>).dtype = 'fp4'), 'gemm[0].dtype', /not an allowed value/],
    ['no BF16 GEMM', (p) => (p.gemm = p.gemm.filter((g) => g['dtype'] === 'fp8')), 'gemm', /no BF16 measurement/],
    ['a backward faster than nothing', (p) => ((p.attention[1] as Record<string, unknown>).fwdBwdMs = 0.001), 'attention[1].fwdBwdMs', /not longer than the forward/],
    ['a wrong bandwidth', (p) => ((p.memory[0] as Record<string, unknown>).bandwidthGBps = 1), 'memory[0].bandwidthGBps', /does not match bytes \/ ms/],
    ['an unknown memory kernel', (p) => ((p.memory[2] as Record<string, unknown>).kernel = 'memset'), 'memory[2].kernel', /not an allowed value/],
    ['a typo in a field', (p) => ((p.attention[0] as Record<string, unknown>).seqlen = 1), 'attention[0].seqlen', /did you mean "seqLen"/],
    ['a date that is not one', (p) => (p.date = 'yesterday'), 'date', /is not a date/],
    ['a GPU not in the catalog', (p) => (p.gpu = 'h1000'), 'gpu', /not an allowed value/],
    ['a table that is not an array', (p) => ((p as Record<string, unknown>).memory = {}), 'memory', /wrong type/],
    ['a missing table', (p) => delete (p as Record<string, unknown>).gemm, 'gemm', /is required/],
  ];
  for (const [name, edit, path, message] of refusals) {
    it(`refuses ${name} at ${path}`, () => {
      const issues = issuesOf(variant(edit));
      const hit = issues.find((i) => i.path === path);
      expect(hit, JSON.stringify(issues)).toBeDefined();
      expect(hit?.message).toMatch(message);
    });
  }

  it('refuses a document that is not an object', () => {
    expect(issuesOf([1, 2])[0]?.path).toBe('');
  });

  it('gives file positions when it has the document', () => {
    const text = JSON.stringify(variant((p) => ((p.gemm[3] as Record<string, unknown>).k = 0)), null, 1);
    const doc = parseDocumentText(text, 'p.json');
    try {
      parseProfile(doc.value, doc);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      const issue = (err as InputError).issues[0];
      expect(issue?.path).toBe('gemm[3].k');
      expect(issue?.file).toBe('p.json');
      expect(text.split('\n')[(issue?.line ?? 0) - 1]).toContain('"k": 0');
    }
  });
});
