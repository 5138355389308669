import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../core/index.js';
import { parseSpecValue } from './parse.js';

const valid = {
  model: 'llama3-8b',
  system: { gpu: 'h100-sxm', gpus: 8 },
  training: { seqLen: 8192, globalBatch: 128 },
  parallel: { tp: 1, pp: 1, dp: 8 },
};

function issuesOf(text: string) {
  const doc = parseDocumentText(text, 'spec.yaml');
  const r = parseSpecValue(doc.value, doc);
  return r.ok ? [] : r.issues;
}

describe('spec parsing', () => {
  it('accepts catalog ids and fills documented defaults', () => {
    const r = parseSpecValue(valid);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.model.kvHeads).toBe(8);
    expect(r.spec.system.nvlinkDomain).toBe(8);
    expect(r.spec.system.scaleOutGbpsPerGpu).toBe(400);
    expect(r.spec.training.precision).toBe('bf16');
    expect(r.spec.parallel.cp).toBe(1);
  });

  it('accepts inline models and GPUs, with headDim and zeroStage', () => {
    const r = parseSpecValue({
      model: { layers: 4, hidden: 1000, heads: 8, headDim: 128, ffnHidden: 4000 },
      system: { gpu: { id: 'h100-sxm', hbmGB: 141, hbmTBps: 4.8 }, gpus: 8 },
      training: { seqLen: 1024, globalBatch: 8 },
      parallel: { tp: 2, pp: 1, dp: 4, zeroStage: 3 },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.model.headDim).toBe(128);
    expect(r.spec.system.gpu.hbmGB).toBe(141);
    expect(r.spec.system.gpu.bf16Tflops).toBe(989.4);
    expect(r.spec.parallel.zeroStage).toBe(3);
  });

  it('reads the expert-parallel software facts and node-limited routing', () => {
    const r = parseSpecValue({
      model: 'deepseek-v3',
      system: { gpu: 'h100-sxm', gpus: 1024 },
      training: { seqLen: 4096, globalBatch: 8192 },
      parallel: { tp: 2, pp: 8, dp: 64, ep: 64, epDispatch: 'deepep', epCommOverlap: true },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.parallel.epDispatch).toBe('deepep');
    expect(r.spec.parallel.epCommOverlap).toBe(true);
    expect(r.spec.model.moe?.routingGroups).toBe(8);
    expect(r.spec.model.moe?.groupTopK).toBe(4);
    const bad = issuesOf('model: llama3-8b\nsystem: {gpu: h100-sxm, gpus: 8}\ntraining: {seqLen: 8192, globalBatch: 128}\nparallel: {tp: 1, pp: 1, dp: 8, epDispatch: nccl}\n');
    expect(bad).toHaveLength(1);
    expect(bad[0]?.path).toBe('parallel.epDispatch');
    expect(bad[0]?.line).toBe(4);
  });

  it('reads multi-head latent attention, which needs the query/key head size', () => {
    const model = { layers: 4, hidden: 1024, heads: 8, ffnHidden: 4096, mla: { qLoraRank: 256, kvLoraRank: 128, qkRopeDim: 32, vHeadDim: 64 } };
    const base = { system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen: 1024, globalBatch: 8 }, parallel: { tp: 1, pp: 1, dp: 8 } };
    const missing = parseSpecValue({ ...base, model });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.issues.map((i) => i.path)).toEqual(['model.headDim']);
    const tooBig = parseSpecValue({ ...base, model: { ...model, headDim: 32 } });
    if (!tooBig.ok) expect(tooBig.issues.map((i) => i.path)).toEqual(['model.mla.qkRopeDim']);
    expect(tooBig.ok).toBe(false);
    const ok = parseSpecValue({ ...base, model: { ...model, headDim: 96 } });
    expect(ok.ok && ok.spec.model.mla).toEqual({ qLoraRank: 256, kvLoraRank: 128, qkRopeDim: 32, vHeadDim: 64 });
  });

  it('names the file, line and field of a wrong type', () => {
    const issues = issuesOf('model: llama3-8b\nsystem: { gpu: h100-sxm, gpus: 8 }\ntraining:\n  seqLen: "long"\n  globalBatch: 128\nparallel: { tp: 1, pp: 1, dp: 8 }\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'training.seqLen', file: 'spec.yaml', line: 4, message: 'has the wrong type', received: '"long"' });
  });

  it('reads training.cudaGraphs, and names it when it is not a boolean', () => {
    const on = parseSpecValue({ ...valid, training: { ...valid.training, cudaGraphs: true } });
    expect(on.ok && on.spec.training.cudaGraphs).toBe(true);
    const bad = parseSpecValue({ ...valid, training: { ...valid.training, cudaGraphs: 'yes' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]).toMatchObject({ path: 'training.cudaGraphs' });
  });

  it('refuses negative and absurd sizes', () => {
    const r = parseSpecValue({ ...valid, model: { layers: -1, hidden: 4096, heads: 32, ffnHidden: 1e12 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['model.layers', 'model.ffnHidden']));
  });

  it('checks that tp·pp·cp·dp equals the GPU count', () => {
    const r = parseSpecValue({ ...valid, parallel: { tp: 2, pp: 1, dp: 8 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]?.path).toBe('parallel');
    expect(r.issues[0]?.message).toContain('must equal system.gpus');
  });

  it('suggests the catalog id for a typo, and lists the known ones', () => {
    const r = parseSpecValue({ ...valid, system: { gpu: 'h100-smx', gpus: 8 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]?.message).toContain('did you mean "h100-sxm"');
  });

  it('flags unknown fields (typos) and missing sections', () => {
    const r = parseSpecValue({ system: valid.system, training: { ...valid.training, seqlen: 4 }, parallel: valid.parallel });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.issues.map((i) => i.path);
    expect(paths).toContain('model');
    expect(paths).toContain('training.seqlen');
    expect(r.issues.find((i) => i.path === 'training.seqlen')?.message).toContain('did you mean "seqLen"');
  });

  it('checks divisibility: heads by tp, experts by ep, batch by dp', () => {
    const r = parseSpecValue({
      model: 'mixtral-8x7b',
      system: { gpu: 'h100-sxm', gpus: 48 },
      training: { seqLen: 4096, globalBatch: 100 },
      parallel: { tp: 3, pp: 1, dp: 16, ep: 16 },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['parallel.tp', 'parallel.ep', 'training.globalBatch']));
  });

  it('reports malformed YAML with a position', () => {
    expect(() => parseDocumentText('model: [unclosed\n', 'bad.yaml')).toThrowError(/bad.yaml:\d+:\d+: not valid YAML or JSON/);
  });
});
