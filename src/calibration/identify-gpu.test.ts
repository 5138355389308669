import { describe, expect, it } from 'vitest';
import { gpuIdForDeviceName } from './identify-gpu.js';

describe('gpuIdForDeviceName', () => {
  const cases: [string, string | null][] = [
    ['NVIDIA H100 80GB HBM3', 'h100-sxm'],
    ['NVIDIA H100', 'h100-sxm'],
    ['NVIDIA H200', 'h200-sxm'],
    ['NVIDIA H800', 'h800-sxm'],
    ['NVIDIA A100-SXM4-80GB', 'a100-sxm-80gb'],
    ['NVIDIA B200', 'b200'],
    ['NVIDIA GB200', 'gb200'],
    ['NVIDIA GB300', 'gb300'],
    ['AMD Instinct MI300X', 'mi300x'],
    ['NVIDIA H100 PCIe', null],
    ['NVIDIA H100 NVL', null],
    ['NVIDIA GH200 480GB', null],
    ['NVIDIA A100-SXM4-40GB', null],
    ['NVIDIA A100 80GB PCIe', null],
    ['NVIDIA GeForce RTX 4090', null],
  ];
  for (const [name, id] of cases) {
    it(`${name} → ${id ?? 'none'}`, () => {
      const r = gpuIdForDeviceName(name);
      if (id === null) expect(r).toHaveProperty('why');
      else expect(r).toEqual({ id });
    });
  }
});
