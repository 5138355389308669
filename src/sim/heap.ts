/**
 * The event queue: a binary min-heap ordered by (time, sequence). The sequence number is assigned
 * at push, so events at the same time pop in the order they were scheduled — deterministic ties.
 * Entries live in parallel typed arrays (no object per event); popping writes the top entry into
 * the `time`/`kind`/`data` fields instead of returning an object, so the event loop allocates
 * nothing once the arrays have grown to their working size.
 */
export class EventHeap {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private datas: Int32Array;
  private count = 0;
  private nextSeq = 0;

  /** The entry last popped. */
  time = 0;
  kind = 0;
  data = 0;
  seq = 0;

  constructor(initialCapacity = 64) {
    const n = Math.max(4, initialCapacity);
    this.times = new Float64Array(n);
    this.seqs = new Float64Array(n);
    this.kinds = new Int32Array(n);
    this.datas = new Int32Array(n);
  }

  get size(): number {
    return this.count;
  }

  /** Forget all entries (keeps the arrays and resets the sequence counter). */
  clear(): void {
    this.count = 0;
    this.nextSeq = 0;
  }

  /** Time of the next entry, or +Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? (this.times[0] as number) : Infinity;
  }

  push(time: number, kind: number, data: number): void {
    if (this.count === this.times.length) this.grow();
    const seq = this.nextSeq++;
    // Sift up with a hole: move parents down until the new entry's place is found.
    let i = this.count++;
    const times = this.times;
    const seqs = this.seqs;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p] as number;
      if (pt < time || (pt === time && (seqs[p] as number) < seq)) break;
      this.move(p, i);
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.datas[i] = data;
  }

  /** Remove the smallest entry into `time`/`kind`/`data`/`seq`. Returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    this.time = times[0] as number;
    this.seq = seqs[0] as number;
    this.kind = this.kinds[0] as number;
    this.data = this.datas[0] as number;
    const last = --this.count;
    if (last === 0) return true;
    const t = times[last] as number;
    const s = seqs[last] as number;
    const k = this.kinds[last] as number;
    const d = this.datas[last] as number;
    // Sift down with a hole from the root.
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last) {
        const ct = times[c] as number;
        const rt = times[r] as number;
        if (rt < ct || (rt === ct && (seqs[r] as number) < (seqs[c] as number))) c = r;
      }
      const ct = times[c] as number;
      if (t < ct || (t === ct && s < (seqs[c] as number))) break;
      this.move(c, i);
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    this.kinds[i] = k;
    this.datas[i] = d;
    return true;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] as number;
    this.seqs[to] = this.seqs[from] as number;
    this.kinds[to] = this.kinds[from] as number;
    this.datas[to] = this.datas[from] as number;
  }

  private grow(): void {
    const n = this.times.length * 2;
    const times = new Float64Array(n);
    times.set(this.times);
    const seqs = new Float64Array(n);
    seqs.set(this.seqs);
    const kinds = new Int32Array(n);
    kinds.set(this.kinds);
    const datas = new Int32Array(n);
    datas.set(this.datas);
    this.times = times;
    this.seqs = seqs;
    this.kinds = kinds;
    this.datas = datas;
  }
}
