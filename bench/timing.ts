/** Minimal timing helpers shared by the benchmarks. */
export interface Timing {
  iterations: number;
  totalS: number;
  perSecond: number;
  microsPerOp: number;
}

/** Run `fn` repeatedly for about `seconds` after a warm-up and report the rate. */
export function timeLoop(fn: (i: number) => void, seconds = 1, warmup = 2000): Timing {
  for (let i = 0; i < warmup; i++) fn(i);
  let iterations = 0;
  const start = process.hrtime.bigint();
  const budgetNs = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budgetNs) {
    for (let k = 0; k < 256; k++) fn(iterations++);
    elapsed = process.hrtime.bigint() - start;
  }
  const totalS = Number(elapsed) / 1e9;
  return { iterations, totalS, perSecond: iterations / totalS, microsPerOp: (totalS * 1e6) / iterations };
}

export function report(name: string, t: Timing): void {
  process.stdout.write(
    `${name.padEnd(40)} ${Math.round(t.perSecond).toLocaleString('en-US').padStart(12)} ops/s  ${t.microsPerOp.toFixed(2).padStart(8)} µs/op\n`,
  );
}
