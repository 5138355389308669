import { describe, expect, it } from 'vitest';
import { findGpu } from '../catalog/gpus.js';
import { findModel } from '../catalog/models.js';
import type { CampaignTraining } from './campaign-input.js';
import { specFor } from './spec-for.js';

const model = findModel('llama3-8b');
if (!model) throw new Error('llama3-8b is in the catalog');

const training: CampaignTraining = {
  model,
  seqLen: 8192,
  globalBatch: 512,
  precision: 'bf16',
  attention: 'flash',
  tokens: 1e12,
  startFraction: 0.5,
  replanGrowth: 0.25,
  fleet: 'combined',
  primaryGpu: 'h100-sxm',
  system: {},
};

describe('specFor (hand-made training)', () => {
  it('builds the whole spec: the GPU\'s system defaults, oversubscription 1, no gradPrecision when the training has none', () => {
    const gpu = findGpu('h200-sxm');
    if (!gpu) throw new Error('h200-sxm is in the catalog');
    expect(specFor(training, 'h200-sxm', 256, { tp: 0, pp: 0, dp: 0, cp: 0, ep: 0 })).toStrictEqual({
      model,
      system: { gpu, gpus: 256, gpusPerNode: gpu.gpusPerNode, nvlinkDomain: gpu.nvlinkDomain, scaleOutGbpsPerGpu: gpu.nicGbps, oversubscription: 1 },
      training: { seqLen: 8192, globalBatch: 512, precision: 'bf16', attention: 'flash', tokens: 1e12 },
      parallel: { tp: 0, pp: 0, dp: 0, cp: 0, ep: 0 },
    });
  });

  it('takes the scenario\'s system overrides, its gradPrecision, and its EP facts under the degrees', () => {
    const s = specFor(
      { ...training, gradPrecision: 'fp32', facts: { epDispatch: 'deepep', epCommOverlap: true }, system: { nvlinkDomain: 4, scaleOutGbpsPerGpu: 200, oversubscription: 2 } },
      'h100-sxm',
      64,
      { tp: 4, pp: 2, dp: 8, cp: 1, ep: 1 },
    );
    expect(s.system).toMatchObject({ gpus: 64, nvlinkDomain: 4, scaleOutGbpsPerGpu: 200, oversubscription: 2 });
    expect(s.training).toStrictEqual({ seqLen: 8192, globalBatch: 512, precision: 'bf16', attention: 'flash', tokens: 1e12, gradPrecision: 'fp32' });
    expect(s.parallel).toStrictEqual({ epDispatch: 'deepep', epCommOverlap: true, tp: 4, pp: 2, dp: 8, cp: 1, ep: 1 });
  });

  it('an oversubscription of 1.5 is kept as it is', () => {
    expect(specFor({ ...training, system: { oversubscription: 1.5 } }, 'h100-sxm', 8, { tp: 0, pp: 0, dp: 0, cp: 0, ep: 0 }).system.oversubscription).toBe(1.5);
  });

  it('throws for a GPU not in the catalog, naming it', () => {
    expect(() => specFor(training, 'tpu-v9', 8, { tp: 0, pp: 0, dp: 0, cp: 0, ep: 0 })).toThrow(new Error('bug: GPU tpu-v9 is not in the catalog (the scenario parser checks this)'));
  });
});
