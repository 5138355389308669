import { findGpu, type GpuSpec } from '../catalog/index.js';
import type { Issue } from '../core/index.js';
import type { CalibrationProfile } from './profile.js';

/**
 * Device names as drivers report them, mapped to catalog ids. First match wins, so the
 * more specific names come first. Variants the catalog does not hold (PCIe and NVL cards,
 * 40 GB A100s, GH200) are refused rather than matched to a GPU with other peaks.
 */
const RULES: readonly { pattern: RegExp; id: string | null; why?: string }[] = [
  { pattern: /PCIe|\bNVL\b/i, id: null, why: 'PCIe and NVL cards have lower clocks and bandwidth than the SXM parts in the catalog' },
  { pattern: /GH200/i, id: null, why: 'the catalog has no GH200 (Grace Hopper) entry' },
  { pattern: /GB300/i, id: 'gb300' },
  { pattern: /GB200/i, id: 'gb200' },
  { pattern: /B200/i, id: 'b200' },
  { pattern: /H800/i, id: 'h800-sxm' },
  { pattern: /H200/i, id: 'h200-sxm' },
  { pattern: /H100/i, id: 'h100-sxm' },
  { pattern: /A100.*40\s*GB/i, id: null, why: 'the catalog has only the 80 GB A100' },
  { pattern: /A100/i, id: 'a100-sxm-80gb' },
  { pattern: /MI300X/i, id: 'mi300x' },
];

export type GpuMatch = { ok: true; gpu: GpuSpec; by: 'gpu' | 'device.name' } | { ok: false; issues: Issue[] };

/** The catalog id a device name stands for, or why none does. */
export function gpuIdForDeviceName(name: string): { id: string } | { why: string } {
  for (const rule of RULES) {
    if (!rule.pattern.test(name)) continue;
    return rule.id !== null ? { id: rule.id } : { why: rule.why ?? 'not in the catalog' };
  }
  return { why: 'no catalog GPU matches this name' };
}

/** The catalog GPU a profile was measured on: its `gpu` field if set, else by `device.name`. */
export function identifyProfileGpu(profile: Pick<CalibrationProfile, 'gpu' | 'device'>): GpuMatch {
  if (profile.gpu !== undefined) {
    const gpu = findGpu(profile.gpu);
    if (gpu) return { ok: true, gpu, by: 'gpu' };
    return { ok: false, issues: [{ path: 'gpu', message: 'is not a GPU in the catalog', received: JSON.stringify(profile.gpu) }] };
  }
  const match = gpuIdForDeviceName(profile.device.name);
  const gpu = 'id' in match ? findGpu(match.id) : undefined;
  if (gpu) return { ok: true, gpu, by: 'device.name' };
  const why = 'why' in match ? match.why : 'not in the catalog';
  return {
    ok: false,
    issues: [
      {
        path: 'device.name',
        message: `cannot tell which catalog GPU this is (${why}); add a "gpu" field with a catalog id if the device is one`,
        received: JSON.stringify(profile.device.name),
      },
    ],
  };
}
