import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventHeap } from './heap.js';

/** The reference queue: a plain array sorted by (time, seq) on every pop. */
class NaiveQueue {
  private items: { time: number; seq: number; kind: number; data: number }[] = [];
  private nextSeq = 0;
  push(time: number, kind: number, data: number): void {
    this.items.push({ time, seq: this.nextSeq++, kind, data });
  }
  pop(): { time: number; seq: number; kind: number; data: number } | undefined {
    this.items.sort((a, b) => a.time - b.time || a.seq - b.seq);
    return this.items.shift();
  }
}

const op = fc.oneof(
  fc.record({ push: fc.constant(true as const), time: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 1e6, noNaN: true })) }),
  fc.record({ push: fc.constant(false as const) }),
);

describe('EventHeap', () => {
  it('pops in (time, seq) order, exactly like a sorted reference queue', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const heap = new EventHeap(2);
        const ref = new NaiveQueue();
        let i = 0;
        for (const o of ops) {
          if (o.push) {
            heap.push(o.time, i % 7, i);
            ref.push(o.time, i % 7, i);
            i++;
          } else {
            const want = ref.pop();
            expect(heap.pop()).toBe(want !== undefined);
            if (want) expect([heap.time, heap.seq, heap.kind, heap.data]).toEqual([want.time, want.seq, want.kind, want.data]);
          }
          expect(heap.size).toBe(ref['items'].length);
        }
        // Drain: non-decreasing (time, seq).
        let lastT = -Infinity;
        let lastS = -1;
        while (heap.pop()) {
          expect(heap.time > lastT || (heap.time === lastT && heap.seq > lastS)).toBe(true);
          lastT = heap.time;
          lastS = heap.seq;
        }
      }),
    );
  });

  it('breaks ties by insertion order', () => {
    const heap = new EventHeap();
    for (let i = 0; i < 100; i++) heap.push(5, 0, i);
    heap.push(1, 0, -1);
    const out: number[] = [];
    while (heap.pop()) out.push(heap.data);
    expect(out).toEqual([-1, ...Array.from({ length: 100 }, (_, i) => i)]);
  });

  it('reports +Infinity when empty and can be cleared', () => {
    const heap = new EventHeap();
    expect(heap.peekTime()).toBe(Infinity);
    heap.push(3, 1, 2);
    expect(heap.peekTime()).toBe(3);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBe(false);
  });
});
