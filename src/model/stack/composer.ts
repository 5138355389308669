import { PYTORCH_HOST_PER_OP_S, type SoftwareStack, type StackVersion } from './stack.js';

const LLMF = 'https://github.com/mosaicml/llm-foundry';

/**
 * MosaicML Composer as LLM Foundry runs it (2023): PyTorch FSDP (FSDP1, FULL_SHARD) with
 * `limit_all_gathers` and backward prefetch, gradients reduce-scattered every micro-batch
 * (FULL_SHARD accumulates sharded gradients), the Triton FlashAttention kernel (`attn_impl: triton`,
 * the MPT yamls' and submit_benchmarks.py's default), native PyTorch element-wise kernels (low-precision LayerNorm), FP8 through
 * Transformer Engine's `te.Linear` with delayed scaling; FSDP hands TE the gathered BF16 weights
 * each micro-batch, which TE casts again.
 */
export const COMPOSER_2023: StackVersion = {
  version: '2023',
  summary: 'Composer + PyTorch FSDP1 (LLM Foundry 2023): FULL_SHARD, Triton FlashAttention, native element-wise kernels, FP8 via Transformer Engine',
  sources: [
    `${LLMF}/blob/main/scripts/train/benchmarking/README.md (sharding strategy, activation checkpointing, precision per row)`,
    `${LLMF}/blob/main/scripts/train/benchmarking/submit_benchmarks.py (limit_all_gathers, low_precision_layernorm)`,
    'https://pytorch.org/docs/stable/fsdp.html (FULL_SHARD: all-gather before forward and backward, reduce-scatter after backward)',
  ],
  attention: 'flash-triton',
  tpOverlap: 'none',
  tpOverlapDefault: false,
  sharded: { name: 'PyTorch FSDP (FULL_SHARD)', reshardAfterForward: true, keepGatheredWithPipeline: false, reduceScatterPerMicroBatch: true, overlap: 'layer', flatRing: false },
  // MPT's element-wise work is native single kernels: low-precision LayerNorm (F.layer_norm in
  // BF16), GELU, learned positions or ALiBi (no RoPE): the fused counts apply.
  elementwise: 'fused',
  compile: { supported: true, default: false },
  selective: 'megatron',
  fp8: { default: 'delayed', recipes: ['delayed'] },
  fp8WeightCastPerMicroBatch: true,
  sequenceParallel: false,
  schedules: ['1f1b'],
  cpExchange: 'ring',
  cpComms: ['ring'],
  gradSync: { when: 'overlapped', fp32Wire: false },
  // llmfoundry/models/mpt/modeling_mpt.py: loss_fn defaults to fused_crossentropy (flash_attn.losses.cross_entropy).
  lossBytesPerLogit: 6,
  hostPerKernelS: PYTORCH_HOST_PER_OP_S,
};

export const COMPOSER: SoftwareStack = { id: 'composer', name: 'MosaicML Composer / LLM Foundry', versions: [COMPOSER_2023] };
