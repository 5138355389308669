import { MCORE_2024 } from './megatron-core.js';
import type { SoftwareStack } from './stack.js';

const LAUNCHER = 'https://github.com/NVIDIA/NeMo-Framework-Launcher (launcher_scripts/conf/training)';

/**
 * NVIDIA NeMo runs Megatron-Core underneath (NeMo 2.0 / Megatron-Bridge recipes): the same
 * kernels, overlaps and FP8 recipes; its recipes name the container (24.07, 25.09, ...).
 * NeMo 24.07's launcher recipes keep and reduce the main gradients in BF16 (`optim.grad_sync_dtype:
 * bf16`, `contiguous_grad_buffer: True`: gpt3/20b_fp8_performance.yaml with distributed_fused_adam,
 * nemotron/nemotron_340b.yaml with mcore_distributed_optim; the H100 examples pass
 * `+training.model.optim.grad_sync_dtype=bf16`), where Megatron-LM's `--bf16` forces FP32.
 */
export const NEMO: SoftwareStack = {
  id: 'nemo',
  name: 'NVIDIA NeMo (on Megatron-Core)',
  versions: [
    {
      ...MCORE_2024,
      version: '24.07',
      summary: 'NeMo 24.07 on Megatron-Core: as megatron-core 2024, with BF16 main gradients (the launcher recipes\' grad_sync_dtype)',
      sources: [...MCORE_2024.sources, 'https://docs.nvidia.com/nemo-framework/user-guide/latest/performance/performance_summary.html', LAUNCHER],
      gradPrecision: 'bf16',
    },
  ],
};
