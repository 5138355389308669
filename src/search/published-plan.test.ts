import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { estimate } from '../model/index.js';
import { parseSpecValue, type Spec } from '../spec/index.js';
import { search } from './index.js';

// DeepSeek-V3's published plan (arXiv 2412.19437 §3.2: TP1 PP16 EP64 DualPipe, ZeRO-1, 2,048 H800)
// against the search over the same space. A search test (it lived beside the memory-saving tests in
// src/model, where it ran the whole search once per model mutant under StrykerJS).
const EXAMPLE = new URL('../../examples/deepseek-v3-h800.yaml', import.meta.url);

function specOf(value: unknown, planOptional = false): Spec {
  const r = parseSpecValue(value, undefined, [], { planOptional });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe("DeepSeek-V3's published plan on 2,048 H800", () => {
  it('is among the best five plans the search returns over the same space', () => {
    const doc = parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    const free = specOf({ ...doc, parallel: undefined }, true);
    const ranked = estimate(specOf(doc));
    const r = search(free, { top: 5, rankScore: ranked.tokensPerSec });
    expect(r.plansAbove).toBeDefined();
    expect(r.plansAbove as number).toBeLessThan(5);
    // And the plans above it are DualPipe or zero-bubble plans within a few per cent.
    const best = r.plans[0];
    expect(best).toBeDefined();
    expect(best!.estimate.tokensPerSec / ranked.tokensPerSec).toBeLessThan(1.05);
  });
});
