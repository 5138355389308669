/**
 * Bucketed overlap as Megatron-Core's DDP does it (`overlap_grad_reduce`,
 * `overlap_param_gather`): the buffer is split into `units` equal buckets released evenly over
 * a compute window of `windowS` (gradients as the last micro-batch's backward produces them;
 * parameter gathers as the next step's first forward needs them) and served one after another
 * by the network. Bucket i is released at (i+1)·W/u and the queue drains at
 * max(W + c/u, W/u + c): the last bucket is always exposed, and all of it beyond the window.
 */
export function bucketedExposedS(commS: number, windowS: number, units: number): number {
  if (commS <= 0) return 0;
  const u = units >= 1 ? units : 1;
  const w = windowS > 0 ? windowS : 0;
  const x = commS - w * (1 - 1 / u);
  return x > commS / u ? x : commS / u;
}

/**
 * Megatron-Core's DDP bucket size, in parameters: max(40M, 1M × data-parallel size)
 * (megatron/core/distributed/distributed_data_parallel.py), per model chunk. Larger
 * data-parallel groups get larger buckets so the ring's per-step latency stays amortised.
 */
export function ddpBucketParams(dpSize: number): number {
  return Math.max(40_000_000, 1_000_000 * dpSize);
}

/** Buckets of a model chunk of `params` parameters, summed over `chunks` chunks (≥ 1 each). */
export function ddpBuckets(params: number, chunks: number, dpSize: number): number {
  const per = Math.ceil(params / chunks / ddpBucketParams(dpSize));
  return chunks * (per >= 1 ? per : 1);
}
