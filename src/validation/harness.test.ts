import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCases } from './cases.js';
import { runValidation, stats } from './harness.js';

const file = fileURLToPath(new URL('../../data/validation/public-cases.jsonl', import.meta.url));
const cases = parseCases(readFileSync(file, 'utf8'), file);
const report = runValidation(cases);

describe('validation against published runs', () => {
  it('estimates all 77 public cases', () => {
    expect(cases).toHaveLength(77);
    expect(report.failed).toBe(0);
    expect(report.rows.every((r) => r.predictedTokensPerSecPerGpu !== null && r.predictedTokensPerSecPerGpu > 0)).toBe(true);
  });

  it('keeps the overall error within the bar: MAPE <= 10%, median <= 7%', () => {
    expect(report.overall.mape).toBeLessThanOrEqual(0.1);
    expect(report.overall.median).toBeLessThanOrEqual(0.07);
  });

  // BLOOM's 64-head pre-launch benchmark (docs/model.md §8) sits at the 30% edge (+29%); the
  // other BLOOM runs read 10–12% optimistic since DeepSpeed's gradient reduction after the
  // pipeline flush is modelled.
  const KNOWN_DENSE_OUTLIERS: Readonly<Record<string, number>> = { 'BLOOM-PRE-1': 0.4 };

  it('keeps every dense case within 30%, but the documented outlier', () => {
    for (const r of report.rows.filter((x) => !x.moe)) expect(Math.abs(r.error ?? Infinity), r.id).toBeLessThanOrEqual(KNOWN_DENSE_OUTLIERS[r.id] ?? 0.3);
  });

  it('holds on each GPU and precision (MAPE <= 15% per group)', () => {
    for (const g of ['a100-sxm-80gb', 'h100-sxm', 'bf16', 'fp8']) expect(report.byGroup[g]?.mape, g).toBeLessThanOrEqual(0.15);
  });

  // The one case outside 30%: Qwen3-30B-A3B, dropless, on H100 (docs/model.md §8). The same
  // configuration measured with token dropping (25.09: 10,494 tokens/s/GPU) is predicted within 9%.
  const KNOWN_OUTLIERS: Readonly<Record<string, number>> = { 'MBR-2511-H100-Q30-a': 1.3 };

  it('keeps every MoE case within 30%, but the documented outlier', () => {
    for (const r of report.rows.filter((x) => x.moe)) expect(Math.abs(r.error ?? Infinity), r.id).toBeLessThanOrEqual(KNOWN_OUTLIERS[r.id] ?? 0.3);
  });
});

describe('held-out check on the supplementary Megatron-Bridge rows (B200, GB200, GB300, later H100)', () => {
  const supFile = fileURLToPath(new URL('../../data/validation/supplementary-cases.jsonl', import.meta.url));
  const sup = runValidation(parseCases(readFileSync(supFile, 'utf8'), supFile));

  it('estimates every row', () => {
    expect(sup.rows).toHaveLength(53);
    expect(sup.failed).toBe(0);
  });

  it('holds for dense models on GPUs the model was never checked on (Blackwell): MAPE <= 15%', () => {
    expect(sup.byGroup['dense']?.mape).toBeLessThanOrEqual(0.15);
    expect(sup.byGroup['dense']?.max).toBeLessThanOrEqual(0.35);
  });
});

describe('specs as published (the stack and release each source names, no recipe facts)', () => {
  it('stay within 10% MAPE on the public cases (issue 15)', () => {
    const asPublished = runValidation(parseCases(readFileSync(file, 'utf8'), file, { asPublished: true }));
    expect(asPublished.failed).toBe(0);
    expect(asPublished.overall.mape).toBeLessThanOrEqual(0.1);
  });
  it('with the stack name only (today\'s release for every source) stay within 15%, and the old runs read fast', () => {
    const published = runValidation(parseCases(readFileSync(file, 'utf8'), file, { asPublished: true }));
    const nameOnly = runValidation(parseCases(readFileSync(file, 'utf8'), file, { asPublished: true, stackNameOnly: true }));
    expect(nameOnly.failed).toBe(0);
    expect(nameOnly.overall.mape).toBeLessThanOrEqual(0.15);
    // today's kernels (fused attention, TP overlap) on 2021 Megatron-LM runs predict them faster than they ran
    const bias = (r: typeof published, s: string) => r.bySource[s]?.bias ?? Number.NaN;
    expect(bias(nameOnly, 'Narayanan2021')).toBeGreaterThan(bias(published, 'Narayanan2021') + 0.05);
  });
});

describe('error statistics', () => {
  it('computes MAPE, median, max and bias', () => {
    const s = stats([0.1, -0.2, 0.3, -0.05]);
    expect(s.mape).toBeCloseTo(0.1625, 10);
    expect(s.median).toBeCloseTo(0.15, 10);
    expect(s.max).toBeCloseTo(0.3, 10);
    expect(s.bias).toBeCloseTo(0.0375, 10);
  });
});

describe('other-stack cases (torchtitan, LLM Foundry) and memory', () => {
  const stackFile = fileURLToPath(new URL('../../data/validation/stack-cases.jsonl', import.meta.url));
  const stackCases = parseCases(readFileSync(stackFile, 'utf8'), stackFile);
  const r = runValidation(stackCases);

  it('reads every row with its stack, and the measured memory where published', () => {
    expect(stackCases).toHaveLength(140);
    expect(r.failed).toBe(0);
    expect(stackCases.every((c) => typeof c.stack?.['name'] === 'string')).toBe(true);
    expect(stackCases.filter((c) => c.measuredMemoryGiB !== undefined)).toHaveLength(20);
  });

  it('holds on the other stacks with their software facts (MAPE <= 12%; LLM Foundry <= 8%)', () => {
    expect(r.overall.mape).toBeLessThanOrEqual(0.12);
    expect(r.bySource['LLM-Foundry']?.mape).toBeLessThanOrEqual(0.08);
  });

  it('reports the memory error on exactly the cases that measured memory', () => {
    expect(r.memory.cases).toBe(20);
    const row = r.rows.find((x) => x.measuredMemoryGiB !== undefined);
    expect(row?.memoryError).toBeCloseTo(((row?.predictedMemoryGiB ?? 0) - (row?.measuredMemoryGiB ?? 0)) / (row?.measuredMemoryGiB ?? 1), 12);
    expect(report.memory.cases).toBe(0);
  });
});
