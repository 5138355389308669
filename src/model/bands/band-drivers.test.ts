import { describe, expect, it } from 'vitest';
import { parseSpecValue, type Spec } from '../../spec/index.js';
import { bandDrivers, bandKeys, bandFor, type BandTable } from './bands.js';

function spec(model: string, training: Record<string, unknown>, gpu = 'h100-sxm'): Spec {
  const r = parseSpecValue({ model, system: { gpu, gpus: 64 }, training: { seqLen: 4096, globalBatch: 64, ...training } }, undefined, [], { planOptional: true });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe('bandDrivers', () => {
  it('Megatron-Core (the default) and NeMo, with or without a release, are the Megatron family; other stacks are not', () => {
    expect(bandDrivers(spec('llama3-8b', {}))).toEqual({ family: 'megatron', arch: 'hopper', moe: false, long: false });
    expect(bandDrivers(spec('llama3-8b', { stack: 'nemo' })).family).toBe('megatron');
    expect(bandDrivers(spec('llama3-8b', { stack: 'megatron-core@2021' })).family).toBe('megatron');
    expect(bandDrivers(spec('llama3-8b', { stack: 'torchtitan' })).family).toBe('other');
    expect(bandDrivers(spec('llama3-8b', { stack: 'deepspeed' })).family).toBe('other');
  });
  it('MoE from the model, long from 16,384 tokens on, the GPU generation from the GPU', () => {
    expect(bandDrivers(spec('deepseek-v3', {})).moe).toBe(true);
    expect(bandDrivers(spec('llama3-8b', { seqLen: 16384 })).long).toBe(true);
    expect(bandDrivers(spec('llama3-8b', { seqLen: 8192 })).long).toBe(false);
    expect(bandDrivers(spec('llama3-8b', {}, 'a100-sxm-80gb')).arch).toBe('ampere');
  });
});

describe('bandKeys', () => {
  it('from the most specific group to all, with each driver in its key', () => {
    expect(bandKeys({ family: 'other', arch: 'ampere', moe: true, long: true })).toEqual(['other|ampere|moe|long', 'other|ampere|moe', 'other|moe', 'moe', 'all']);
    expect(bandKeys({ family: 'megatron', arch: 'hopper', moe: false, long: false })).toEqual(['megatron|hopper|dense|short', 'megatron|hopper|dense', 'megatron|dense', 'dense', 'all']);
  });
});

describe('bandFor', () => {
  const table: BandTable = { coverage: 0.8, groups: { 'megatron|hopper|dense|short': { q: 0.5, n: 7 }, 'megatron|hopper|dense': { q: Math.log(2), n: 8 }, all: { q: 1, n: 100 } } };
  it('takes the most specific group with at least 8 cases, symmetric in log space', () => {
    const b = bandFor(100, { family: 'megatron', arch: 'hopper', moe: false, long: false }, table);
    expect(b).toEqual({ low: 50, high: 200, coverage: 0.8, group: 'megatron|hopper|dense', cases: 8 });
  });
  it('none when no group has enough cases', () => {
    expect(bandFor(100, { family: 'other', arch: 'ampere', moe: true, long: false }, { coverage: 0.8, groups: { all: { q: 1, n: 7 } } })).toBeUndefined();
  });
});
