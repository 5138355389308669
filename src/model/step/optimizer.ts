import { OPTIMIZER_BYTES_PER_PARAM } from '../constants.js';

/**
 * Optimizer step: Adam reads and writes FP32 master weights, moments and gradients of the
 * local (ZeRO-sharded) parameters, plus a fixed number of kernels.
 */
export function optimizerS(heavyDense: number, heavyExpert: number, zeroStage: number, denseShards: number, expertShards: number, hbmBps: number, kernelS: number): number {
  const sharded = zeroStage >= 1;
  const localParams = heavyDense / (sharded ? denseShards : 1) + heavyExpert / (sharded ? expertShards : 1);
  return (localParams * OPTIMIZER_BYTES_PER_PARAM) / hbmBps + 40 * kernelS;
}
