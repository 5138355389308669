/**
 * GEMM time on one GPU: a roofline with a shape penalty. Accumulates the FLOPs and kernels it
 * times, so a layer's hardware FLOPs fall out of its timing. A class, not closures, so the
 * hot path allocates nothing.
 */
export class GemmClock {
  flops = 0;
  kernels = 0;
  fwdS = 0;
  bwdS = 0;
  /** The weight-gradient part of `bwdS` (what a zero-bubble schedule defers). */
  bwdWeightS = 0;
  constructor(
    private readonly peak: number,
    private readonly max: number,
    private readonly d0: number,
    private readonly hbmBps: number,
    private readonly operandBytes: number,
  ) {}

  reset(): void {
    this.flops = 0;
    this.kernels = 0;
    this.fwdS = 0;
    this.bwdS = 0;
    this.bwdWeightS = 0;
  }

  time(M: number, N: number, K: number, count: number): number {
    if (M <= 0 || N <= 0 || K <= 0 || count <= 0) return 0;
    const flops = 2 * M * N * K * count;
    this.flops += flops;
    this.kernels += count;
    const d0 = this.d0;
    const tCompute = flops / ((this.peak * this.max) / (1 + d0 / M + d0 / N + d0 / K));
    const tMemory = ((M * K + K * N + M * N) * this.operandBytes * count) / this.hbmBps;
    return tCompute > tMemory ? tCompute : tMemory;
  }

  /** A forward GEMM and its two backward GEMMs (data gradient M×K, weight gradient K×N). */
  fwdBwd(M: number, N: number, K: number, count: number): void {
    this.fwdS += this.time(M, N, K, count);
    const dataS = this.time(M, K, N, count);
    const weightS = this.time(K, N, M, count);
    this.bwdS += dataS + weightS;
    this.bwdWeightS += weightS;
  }
}
