import { PYTORCH_HOST_PER_OP_S, type SoftwareStack, type StackVersion } from './stack.js';

const TT = 'https://github.com/pytorch/torchtitan';

/**
 * torchtitan (PyTorch-native): FSDP2 (`fully_shard`, reshard after forward unless PP is on,
 * in which case torchtitan keeps parameters gathered and the pipeline schedule reduces
 * gradients on the last micro-batch only), TP via DTensor with optional async TP
 * (SymmetricMemory micro-pipelining), SDPA attention (FlashAttention-2 backend), per-op
 * selective activation checkpointing that recomputes every other matmul, torch.compile per
 * block, torchao Float8 (tensorwise by default, rowwise optional).
 */
export const TORCHTITAN_2024: StackVersion = {
  version: '2024-12',
  summary: 'torchtitan 2024-12: FSDP2, DTensor TP / async TP, SDPA (FlashAttention-2), op-level SAC, torch.compile, torchao Float8',
  sources: [
    `${TT}/blob/main/docs/fsdp.md (FSDP2: reshard_after_forward, prefetching)`,
    `${TT}/blob/main/torchtitan/parallelisms/parallelize_llama.py (apply_fsdp: reshard_after_forward False with PP; _save_list op SAC: every other mm recomputed)`,
    `${TT}/blob/main/docs/float8.md (torchao float8: tensorwise, rowwise; float8 all-gather)`,
    `${TT}/blob/main/benchmarks/llama3_h100_202412_torchtitan.md (versions)`,
  ],
  attention: 'flash2',
  tpOverlap: 'async-tp',
  tpOverlapDefault: false,
  // The 2024-12 Llama 3.1 405B rows (FSDP 8 × TP 8 × PP 8) are modelled with FSDP2's default
  // per-micro-batch gathers; gathering once per step under PP is in the 2025 code (below).
  sharded: { name: 'FSDP2', reshardAfterForward: true, keepGatheredWithPipeline: false, reduceScatterPerMicroBatch: true, overlap: 'layer', flatRing: false },
  elementwise: 'eager',
  compile: { supported: true, default: true },
  selective: 'op-sac',
  fp8: { default: 'tensorwise', recipes: ['tensorwise', 'rowwise', 'mxfp8'] },
  fp8WeightCastPerMicroBatch: true,
  sequenceParallel: true,
  schedules: ['1f1b', 'interleaved'],
  cpExchange: 'allgather',
  // torch.distributed.tensor.experimental context_parallel: set_rotate_method('allgather') (the
  // default) or 'alltoall', which rotates K/V shards around the CP ring.
  cpComms: ['allgather', 'ring'],
  gradSync: { when: 'overlapped', fp32Wire: false },
  lossBytesPerLogit: 44,
  hostPerKernelS: PYTORCH_HOST_PER_OP_S,
};

/**
 * torchtitan 2025-06: as 2024-12, with parameters kept gathered across micro-batches under
 * pipeline parallelism (`reshard_after_forward` off when PP is on; the schedule syncs gradients
 * on the last backward) and FSDP float8 all-gather with precomputed scales.
 */
export const TORCHTITAN_2025: StackVersion = {
  ...TORCHTITAN_2024,
  version: '2025-06',
  summary: 'torchtitan 2025-06: as 2024-12, parameters kept gathered under PP, float8 all-gather',
  sources: [...TORCHTITAN_2024.sources, `${TT}/blob/main/benchmarks/llama3_8b_h200_2025-06_torchtitan.md`],
  sharded: { ...TORCHTITAN_2024.sharded, keepGatheredWithPipeline: true },
};

export const TORCHTITAN: SoftwareStack = { id: 'torchtitan', name: 'torchtitan', versions: [TORCHTITAN_2025, TORCHTITAN_2024] };
