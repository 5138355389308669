/**
 * Seeded random streams owned by the simulator: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic
 * generator, 128-bit state), seeded through splitmix32 so that nearby seeds give unrelated streams.
 * Every independent random process (one failure cause in one replication) gets its own stream,
 * derived from (seed, replication, stream id) only, so results never depend on the order in which
 * processes draw, nor on which thread runs a replication.
 */

/** One splitmix32 step: a well-mixed 32-bit value from a 32-bit state. */
export function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Mix a root seed and a path of stream ids (replication index, cause index, ...) into one 32-bit
 * seed. Order-sensitive; any integers (and non-negative doubles up to 2^53) are accepted.
 */
export function deriveSeed(seed: number, ...ids: readonly number[]): number {
  let h = splitmix32(foldDouble(seed));
  for (const id of ids) h = splitmix32((h ^ splitmix32(foldDouble(id) + 0x632be5ab)) >>> 0);
  return h;
}

function foldDouble(x: number): number {
  const lo = x >>> 0;
  const hi = Math.floor(x / 4294967296) >>> 0;
  return (lo ^ Math.imul(hi, 0x27d4eb2d)) >>> 0;
}

/** A sfc32 stream. Allocation-free after construction. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed32: number) {
    this.a = 0;
    this.b = 0;
    this.c = 0;
    this.d = 1;
    this.reseed(seed32);
  }

  /** Restart the stream from a 32-bit seed (reuses the object: no allocation). */
  reseed(seed32: number): void {
    this.a = splitmix32(seed32);
    this.b = splitmix32(this.a ^ 0x5bd1e995);
    this.c = splitmix32(this.b ^ 0x1b873593);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform on (0, 1]: safe for logarithms. */
  nextOpen(): number {
    return (this.nextU32() + 1) / 4294967296;
  }

  /** An exponential variate with the given mean (mean 0 gives 0). */
  exponential(mean: number): number {
    return -Math.log(this.nextOpen()) * mean;
  }
}
