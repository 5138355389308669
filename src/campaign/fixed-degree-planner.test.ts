import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Planner } from './planner.js';
import { describe, expect, it } from 'vitest';
import { findGpu } from '../catalog/gpus.js';
import { parseDocumentText } from '../core/index.js';
import { parseCampaignScenarioOrThrow } from '../scenario/index.js';
import { fixedDegreePlanner } from './fixed-degree-planner.js';
import { specFor } from './spec-for.js';

const file = join(import.meta.dirname, '..', '..', 'scenarios', 'colossus.yaml');
const training = parseCampaignScenarioOrThrow(parseDocumentText(readFileSync(file, 'utf8'), file)).training;

const free = { tp: 0, pp: 0, dp: 0, cp: 0, ep: 0 };

describe('specFor', () => {
  it('the campaign model on that many GPUs of the type, with the GPU\'s system defaults and the stack facts under the degrees', () => {
    const s = specFor(training, 'h100-sxm', 4096, { tp: 8, pp: 4, dp: 128, cp: 1, ep: 1 });
    const gpu = findGpu('h100-sxm');
    expect(s.system.gpu).toBe(gpu);
    expect(s.system.gpus).toBe(4096);
    expect(s.system.gpusPerNode).toBe(gpu?.gpusPerNode);
    expect(s.system.nvlinkDomain).toBe(training.system.nvlinkDomain ?? gpu?.nvlinkDomain);
    expect(s.system.scaleOutGbpsPerGpu).toBe(training.system.scaleOutGbpsPerGpu ?? gpu?.nicGbps);
    expect(s.system.oversubscription).toBe(training.system.oversubscription ?? 1);
    expect(s.model).toBe(training.model);
    expect(s.training).toMatchObject({ seqLen: training.seqLen, globalBatch: training.globalBatch, precision: training.precision, tokens: training.tokens });
    expect(s.parallel).toMatchObject({ tp: 8, pp: 4, dp: 128, cp: 1, ep: 1 });
  });
  it('overrides from the scenario win over the GPU\'s defaults', () => {
    const s = specFor({ ...training, system: { nvlinkDomain: 4, scaleOutGbpsPerGpu: 100, oversubscription: 3 } }, 'h100-sxm', 64, free);
    expect([s.system.nvlinkDomain, s.system.scaleOutGbpsPerGpu, s.system.oversubscription]).toEqual([4, 100, 3]);
    const g = specFor({ ...training, gradPrecision: 'bf16' }, 'h100-sxm', 64, free);
    expect(g.training.gradPrecision).toBe('bf16');
    const { gradPrecision: _g, ...noGrad } = training;
    expect('gradPrecision' in specFor(noGrad, 'h100-sxm', 64, free).training).toBe(false);
  });
  it('an unknown GPU is a bug the parser should have caught', () => {
    expect(() => specFor(training, 'no-such-gpu', 64, free)).toThrow('bug: GPU no-such-gpu is not in the catalog (the scenario parser checks this)');
  });
});

describe('fixedDegreePlanner', () => {
  const degrees = { tp: 8, pp: 32, cp: 4, ep: 8 };
  const replica = 8 * 32 * 4;
  // Made at each call: mutation testing activates its mutant after describe bodies run, so a planner
  // made here would keep the unmutated replica size.
  const planner: Planner = (cap, gpu, byType) => fixedDegreePlanner(training, degrees)(cap, gpu, byType);
  const largestDp = (cap: number): number => {
    for (let dp = Math.floor(cap / replica); dp > 0; dp--) if (training.globalBatch % dp === 0 && (8 * 4 * dp) % 8 === 0) return dp;
    return 0;
  };
  it('fills the capacity with the largest dp that divides the global batch, keeping the degrees', () => {
    for (const cap of [replica * 48 + 5, replica * 50, replica * 33]) {
      const dp = largestDp(cap);
      const r = planner(cap, 'h100-sxm');
      expect(r, `capacity ${cap}`).toBeDefined();
      expect(r?.parallel).toMatchObject({ ...degrees, dp });
      expect(r?.gpusUsed).toBe(replica * dp);
      expect(r?.estimate.gpusUsed).toBe(replica * dp);
    }
    expect(largestDp(replica * 50)).toBeLessThan(50); // 50 does not divide the batch: dp steps down
  });
  it('no plan on less than one replica', () => {
    expect(planner(replica - 1, 'h100-sxm')).toBeUndefined();
  });
  it('no plan when the degrees do not fit in memory', () => {
    expect(fixedDegreePlanner(training, { tp: 1, pp: 1, cp: 1, ep: 1 })(4096, 'h100-sxm')).toBeUndefined();
  });
});
