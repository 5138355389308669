import { MCORE_2024 } from './megatron-core.js';
import type { SoftwareStack } from './stack.js';

/**
 * NVIDIA NeMo runs Megatron-Core underneath (NeMo 2.0 / Megatron-Bridge recipes): the same
 * kernels, overlaps and FP8 recipes; its recipes name the container (24.07, 25.09, ...).
 */
export const NEMO: SoftwareStack = {
  id: 'nemo',
  name: 'NVIDIA NeMo (on Megatron-Core)',
  versions: [{ ...MCORE_2024, version: '24.07', summary: 'NeMo 24.07 on Megatron-Core: as megatron-core 2024', sources: [...MCORE_2024.sources, 'https://docs.nvidia.com/nemo-framework/user-guide/latest/performance/performance_summary.html'] }],
};
