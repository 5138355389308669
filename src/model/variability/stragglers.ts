import { expectedMaxNormal } from './normal.js';

/**
 * Per-GPU speed variation of identical GPUs under power management (manufacturing spread,
 * clocks, temperature): Sinha et al., "Not All GPUs Are Created Equal", SC'22 (arXiv 2208.11035),
 * measured over > 90% of the GPUs of five production clusters: 8% average performance variation
 * (max 22%), whatever the cooling. Read as the expected range (max − min ≈ 2·σ·E[max of N])
 * over Summit's 27,648 GPUs, σ ≈ 1.0% [D]. Their 1.5×-slow outliers are the "lemon" GPUs a
 * burn-in removes, so they are not in σ.
 */
export const GPU_SPEED_SD = 0.08 / (2 * expectedMaxNormal(27_648));

/**
 * A synchronous step runs at the pace of its slowest GPU: tensor-parallel collectives every
 * layer, pipeline hand-offs every micro-batch and the data-parallel reduction every step tie
 * every rank to every other. With speeds spread with s.d. σ, the slowest of N is σ·E[max of N]
 * slower than the mean (≈ σ·√(2 ln N)): the term grows with the job, slowly.
 */
export function stragglerFraction(gpus: number, sd: number = GPU_SPEED_SD): number {
  let x = maxCache.get(gpus);
  if (x === undefined) {
    x = expectedMaxNormal(gpus);
    if (maxCache.size > 4096) maxCache.clear();
    maxCache.set(gpus, x);
  }
  return sd * x;
}

const maxCache = new Map<number, number>();
