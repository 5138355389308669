import { PYTORCH_HOST_PER_OP_S, type SoftwareStack, type StackVersion } from './stack.js';

/**
 * DeepSpeed ZeRO (with Megatron-DeepSpeed for tensor and pipeline parallelism). ZeRO-3 gathers
 * each layer's parameters for the forward and again for the backward and reduce-scatters
 * gradients every micro-batch; its 2021 prefetcher hid little of that (Narayanan et al. 2021,
 * Table 2: ZeRO-3 at 768 GPUs ran at 88 TFLOP/s against 144 at 384).
 */
export const DEEPSPEED_2021: StackVersion = {
  version: '2021',
  summary: 'DeepSpeed ZeRO-3 / Megatron-DeepSpeed 2021–22: unfused attention, no TP overlap, fused kernels from Megatron, ZeRO-3 with limited prefetch',
  sources: [
    'https://github.com/microsoft/DeepSpeed (deepspeed/runtime/zero/stage3.py: fetch, release and reduce-scatter per sub-module)',
    'https://github.com/microsoft/Megatron-DeepSpeed (BLOOM-176B: ZeRO-1, TP 4, PP 12)',
    'Narayanan et al. 2021 Table 2 (ZeRO-3 rows)',
    'https://github.com/microsoft/DeepSpeed (deepspeed/runtime/pipe/schedule.py: gradients reduced after the pipeline flush; runtime/bf16_optimizer.py: FP32 gradient reduction)',
  ],
  attention: 'unfused',
  tpOverlap: 'none',
  tpOverlapDefault: false,
  sharded: { name: 'ZeRO-3', reshardAfterForward: true, keepGatheredWithPipeline: false, reduceScatterPerMicroBatch: true, overlap: 'fitted', flatRing: true },
  elementwise: 'fused',
  compile: { supported: false, default: false },
  selective: 'megatron',
  fp8: { default: 'delayed', recipes: [] },
  fp8WeightCastPerMicroBatch: true,
  sequenceParallel: false,
  schedules: ['1f1b'],
  // DeepSpeed's sequence parallelism is Ulysses (deepspeed/sequence/layer.py DistributedAttention,
  // arXiv 2309.14509): all-to-all only. The 2021 code had none; no case here runs it.
  cpExchange: 'a2a',
  cpComms: ['a2a'],
  // deepspeed/runtime/pipe/schedule.py (TrainSchedule: ReduceTiedGrads, ReduceGrads,
  // OptimizerStep on the last step); deepspeed/runtime/bf16_optimizer.py
  // (get_grads_for_reduction returns the FP32 gradient buffers).
  gradSync: { when: 'after-flush', fp32Wire: true },
  // Megatron-DeepSpeed runs Megatron's vocab-parallel cross-entropy.
  lossBytesPerLogit: 52,
  hostPerKernelS: PYTORCH_HOST_PER_OP_S,
};

export const DEEPSPEED: SoftwareStack = { id: 'deepspeed', name: 'DeepSpeed (ZeRO, Megatron-DeepSpeed)', versions: [DEEPSPEED_2021] };
