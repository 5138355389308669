import { TE_HOST_PER_OP_S, type SoftwareStack, type StackVersion } from './stack.js';

const MCORE = 'https://github.com/NVIDIA/Megatron-LM (megatron/core, Transformer Engine integration)';
const TE = 'https://github.com/NVIDIA/TransformerEngine (fused attention via cuDNN, userbuffers TP overlap, FP8 recipes)';

/** Megatron-Core's custom FSDP / torch FSDP2 path (`use_torch_fsdp2`, `data_parallel_sharding_strategy`). */
const MCORE_FSDP = { name: 'Megatron-FSDP / torch FSDP2', reshardAfterForward: true, keepGatheredWithPipeline: false, reduceScatterPerMicroBatch: true, overlap: 'layer', flatRing: false } as const;

export const MCORE_2024: StackVersion = {
  version: '2024',
  summary: 'Megatron-Core with Transformer Engine: cuDNN fused attention, userbuffers TP overlap, fused element-wise kernels, distributed optimizer',
  sources: [MCORE, TE],
  attention: 'cudnn-fused',
  tpOverlap: 'userbuffers',
  tpOverlapDefault: true,
  sharded: MCORE_FSDP,
  elementwise: 'fused',
  compile: { supported: false, default: false },
  selective: 'megatron',
  fp8: { default: 'delayed', recipes: ['delayed', 'tensorwise', 'blockwise', 'mxfp8'] },
  fp8WeightCastPerMicroBatch: false,
  sequenceParallel: true,
  schedules: ['1f1b', 'interleaved'],
  cpExchange: 'ring',
  // TransformerEngine context_parallel.py: AttnFuncWithCPAndKVP2P, ...KVAllGather, ...QKVOA2A, and
  // the a2a+p2p hierarchy over `hierarchical_context_parallel_sizes` (Megatron-Bridge docs,
  // training/hybrid-context-parallel).
  cpComms: ['ring', 'allgather', 'a2a', 'a2a+p2p'],
  gradSync: { when: 'overlapped', fp32Wire: false },
  lossBytesPerLogit: 52,
  hostPerKernelS: TE_HOST_PER_OP_S,
};

/**
 * Megatron-Core as the Megatron-Bridge recipes run it (2025–26): as 2024, with the fused
 * cross-entropy on (`cross_entropy_loss_fusion: True` in Megatron-Bridge's GPT provider; the
 * performance recipes pick Transformer Engine's implementation, `cross_entropy_fusion_impl: te`).
 * TE's Triton kernels read the BF16 logits for an online softmax, read them again to write the
 * loss and the gradient in place, and scale that gradient in place in the backward: 10 B per logit.
 */
export const MCORE_2025: StackVersion = {
  ...MCORE_2024,
  version: '2025',
  summary: 'Megatron-Core under Megatron-Bridge (2025–26): as 2024, with the fused (Transformer Engine) cross-entropy',
  sources: [
    ...MCORE_2024.sources,
    'https://github.com/NVIDIA-NeMo/Megatron-Bridge (src/megatron/bridge/models/gpt_provider.py: cross_entropy_loss_fusion True; scripts/performance/utils/helpers.py: cross_entropy_fusion_impl "te")',
    'https://github.com/NVIDIA/TransformerEngine (transformer_engine/pytorch/triton/cross_entropy.py)',
  ],
  lossBytesPerLogit: 10,
};

/**
 * Megatron-LM before FlashAttention and Transformer Engine (SC21 paper code, May 2022
 * selective-recomputation code): fused scale-mask-softmax over materialised scores, no TP overlap.
 */
export const MEGATRON_LM_2021: StackVersion = {
  ...MCORE_2024,
  version: '2021',
  summary: 'Megatron-LM 2021–22: unfused attention (fused scale-mask-softmax), no TP communication overlap, no FP8',
  sources: ['Narayanan et al. 2021 (SC21, arXiv 2104.04473); Korthikanti et al. 2022 (arXiv 2205.05198); FlashAttention (arXiv 2205.14135) reached Megatron-LM in 2023'],
  attention: 'unfused',
  tpOverlap: 'none',
  tpOverlapDefault: false,
  fp8: { default: 'delayed', recipes: [] },
  // Context parallelism reached Megatron-Core in 2024 (TE 1.x); the 2021 code had none, and the
  // ring stands for "one exchange" so that old specs keep their meaning.
  cpComms: ['ring'],
};

export const MEGATRON_CORE: SoftwareStack = { id: 'megatron-core', name: 'Megatron-Core (Megatron-LM, Megatron-Bridge)', versions: [MCORE_2025, MCORE_2024, MEGATRON_LM_2021] };
