import { MCORE_2024 } from './megatron-core.js';
import type { SoftwareStack, StackVersion } from './stack.js';

const V3_REPORT = 'DeepSeek-V3 technical report, arXiv 2412.19437 (v2): §3.2 (HAI-LLM; PP16 DualPipe, EP64, ZeRO-1, no TP), §3.2.3 (memory saving), §3.3 (fine-grained FP8), §3.3.3 (BF16 moments, FP8/E5M6 cached activations)';
const V2_REPORT = 'DeepSeek-V2 technical report, arXiv 2405.04434, §3.4.1 (HAI-LLM: zero-bubble pipeline parallelism, ZeRO-1)';

/**
 * HAI-LLM, DeepSeek's in-house training framework, as the DeepSeek-V3 report describes it
 * (2024): DualPipe (and the zero-bubble and 1F1B pipelines of DeepSeek-V2), fine-grained
 * (blockwise) FP8, Adam moments in BF16, activations cached in FP8 / E5M6, and selective
 * recomputation of every RMSNorm and the MLA up-projections (the model's `selective` with
 * fused attention: norms, activation function and MLA up-projections are replayed). The EMA
 * of the weights lives in CPU memory (nothing on the GPU, as the model counts no EMA) and the
 * embedding and output head share a PP rank with the MTP module (the model has no MTP module,
 * so nothing to share). Facts the reports do not state are Megatron-Core 2024's [assumption]:
 * the attention kernel, host overhead per kernel and the sharded data-parallel path.
 */
export const HAI_LLM_2024: StackVersion = {
  ...MCORE_2024,
  version: '2024',
  summary: 'DeepSeek HAI-LLM (DeepSeek-V3): DualPipe / zero-bubble / 1F1B, blockwise FP8, BF16 Adam moments, FP8 and E5M6 cached activations',
  sources: [V3_REPORT, V2_REPORT],
  fp8: { default: 'blockwise', recipes: ['blockwise'] },
  schedules: ['1f1b', 'zero-bubble', 'dualpipe'],
  optimizerMoments: 'bf16',
  fp8Activations: 'fine-grained',
};

export const HAI_LLM: SoftwareStack = { id: 'hai-llm', name: 'DeepSeek HAI-LLM', versions: [HAI_LLM_2024] };
