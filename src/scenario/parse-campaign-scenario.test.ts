import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../core/index.js';
import { parseCampaignScenario } from './parse-campaign-scenario.js';

const root = join(import.meta.dirname, '..', '..');
const bundled = readFileSync(join(root, 'scenarios', 'colossus.yaml'), 'utf8');
const parse = (text: string) => {
  const doc = parseDocumentText(text, 'bad.yaml');
  return parseCampaignScenario(doc, doc.value);
};
const issuesOf = (text: string) => {
  const r = parse(text);
  if (r.ok) throw new Error('expected issues');
  return r.issues;
};

describe('parseCampaignScenario', () => {
  it('reads the bundled scenario and the two what-ifs', () => {
    for (const name of ['colossus.yaml', 'colossus-h200-instead.yaml', 'colossus-rival-doubles.yaml']) {
      const r = parse(readFileSync(join(root, 'scenarios', name), 'utf8'));
      expect(r.ok, name).toBe(true);
    }
  });

  it('every number in the bundled scenario is sourced or marked as an assumption', () => {
    const lines = bundled.slice(0, bundled.indexOf('\nassumptions:')).split('\n');
    lines.forEach((line, i) => {
      const code = line.split('#')[0] ?? '';
      // Lines that set a number: `key: 12` or `{ key: 12, ... }`.
      if (!/:\s*[-\d{]/.test(code) || !/\d/.test(code)) return;
      // The comment is on the line, or on the comment lines just above it.
      let text = line.includes('#') ? line : '';
      for (let j = i - 1; text === '' && j >= 0 && /^\s*#/.test(lines[j] ?? ''); j--) {
        let block = '';
        for (let k = j; k >= 0 && /^\s*#/.test(lines[k] ?? ''); k--) block += lines[k] ?? '';
        text = block;
      }
      expect(text, `line ${i + 1}: ${line}`).toMatch(/\[(P|S|W|D)\]|assumption|§|Grok-1|FT-HSDP|DCP|src\/|seed/);
    });
  });

  it('points at the file, line and field of each bad value', () => {
    const bad = bundled.replace('racksPerDay: 32', 'racksPerDay: -1').replace('globalBatch: 7680', 'globalBatch: many').replace('layers: 128 ', 'layrs: 128 ');
    const issues = issuesOf(bad);
    const at = (path: string) => issues.find((i) => i.path === path);
    const lineOf = (needle: string) => bad.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(at('site.installPhases[0].racksPerDay')).toMatchObject({ file: 'bad.yaml', line: lineOf('racksPerDay: -1') });
    expect(at('training.globalBatch')).toMatchObject({ line: lineOf('globalBatch: many') });
    expect(at('training.model.layrs')?.message).toMatch(/did you mean "layers"/);
    expect(at('training.model.layrs')?.line).toBe(lineOf('layrs: 128'));
  });

  it('refuses unknown GPUs, missing deliveries, bad dates and bad reliability blocks', () => {
    const paths = (text: string) => issuesOf(text).map((i) => i.path);
    expect(paths(bundled.replace('gpu: h200-sxm, gpus: 50000', 'gpu: h300, gpus: 50000'))).toContain('deliveries[2].gpu');
    expect(paths(bundled.replace('startDate: 2024-05-03', 'startDate: 2024-13-03'))).toContain('startDate');
    expect(paths(bundled.replace('preset: llama3', 'preset: llama4'))).toContain('reliability.preset');
    expect(paths(bundled.replace('deliveries:', 'deliverie:'))).toEqual(expect.arrayContaining(['deliverie', '']));
    expect(paths(bundled.replace('startFraction: 0.15', 'startFraction: 2'))).toContain('training.startFraction');
  });

  it('carries BF16 main gradients and the expert-parallel software facts into every plan', () => {
    const text = bundled.replace('  precision: bf16 # assumption', '  precision: bf16 # assumption\n  gradPrecision: bf16\n  parallel: { epDispatch: deepep, epCommOverlap: true }');
    const r = parse(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input.training.gradPrecision).toBe('bf16');
    expect(r.input.training.facts).toEqual({ epDispatch: 'deepep', epCommOverlap: true });
    expect(r.input.training.degrees).toBeUndefined();
    const bad = issuesOf(bundled.replace('  precision: bf16 # assumption', '  precision: bf16 # assumption\n  parallel: { epDispatch: nccl }'));
    expect(bad.map((i) => i.path)).toEqual(['training.parallel.epDispatch']);
  });

  it('reads a market supply with an order change, and names unknown customers', () => {
    const rival = readFileSync(join(root, 'scenarios', 'colossus-rival-doubles.yaml'), 'utf8');
    const r = parse(rival);
    if (!r.ok) throw new Error('rival scenario should parse');
    expect(r.input.supply?.changes).toEqual([{ customer: 'Microsoft', factor: 2 }]);
    expect(r.input.supply?.monthZeroDay).toBe(-123);
    expect(r.input.buildout.deliveries.every((d) => d.day >= 0)).toBe(true);
    expect(issuesOf(rival.replace('customer: Microsoft', 'customer: Microsft')).map((i) => [i.path, i.message])).toContainEqual([
      'supply.orderChange.customer',
      'is not a customer of the market (did you mean "Microsoft"?)',
    ]);
  });
});
