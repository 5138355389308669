import type { Fp8Recipe, GpuArch } from './stack.js';

/**
 * What each FP8 recipe costs beyond the FP8 GEMM itself, per element of a GEMM input that is
 * quantised (bytes of HBM traffic), and which GPUs run it.
 * - `delayed` (Transformer Engine): the scale comes from the amax history, so quantising is one
 *   pass: read BF16 (2 B), write FP8 (1 B); the amax is taken in the same kernel.
 * - `tensorwise` / `rowwise` (current scaling, torchao): an amax pass first (read 2 B), then the
 *   cast (3 B), unless torch.compile fuses the amax into the producing kernel (then as `delayed`).
 * - `blockwise` (DeepSeek-V3, arXiv 2412.19437 §3.3: 1×128 activation tiles, 128×128 weight
 *   blocks): the tile amax and the cast in one pass (3 B) plus one FP32 scale per 128 elements.
 * - `mxfp8` (OCP MX, 32-element blocks with an E8M0 scale): one pass (3 B) plus a 1-byte scale
 *   per 32 elements; scaled inside Blackwell's tensor cores (5th-generation), so Hopper cannot
 *   run it.
 */
export interface Fp8RecipeFacts {
  /** Bytes moved per quantised element (eager). */
  castBytes: number;
  /** Bytes moved per quantised element when torch.compile fuses the amax into its producer. */
  castBytesCompiled: number;
  archs: readonly GpuArch[];
  source: string;
}

export const FP8_RECIPE_FACTS: Readonly<Record<Fp8Recipe, Fp8RecipeFacts>> = {
  delayed: { castBytes: 3, castBytesCompiled: 3, archs: ['hopper', 'blackwell'], source: 'Transformer Engine delayed scaling (amax history)' },
  tensorwise: { castBytes: 5, castBytesCompiled: 3, archs: ['hopper', 'blackwell'], source: 'torchao float8 tensorwise dynamic scaling (docs/float8.md of torchtitan)' },
  rowwise: { castBytes: 5, castBytesCompiled: 3, archs: ['hopper', 'blackwell'], source: 'torchao float8 rowwise scaling' },
  blockwise: { castBytes: 3 + 4 / 128, castBytesCompiled: 3 + 4 / 128, archs: ['hopper', 'blackwell'], source: 'DeepSeek-V3 technical report §3.3 (fine-grained quantisation)' },
  mxfp8: { castBytes: 3 + 1 / 32, castBytesCompiled: 3 + 1 / 32, archs: ['blackwell'], source: 'OCP Microscaling Formats v1.0; Blackwell block-scaled MMA' },
};
