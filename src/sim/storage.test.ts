import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASYNC_SNAPSHOT, STORAGE_PRESETS, checkpointCostsOf, minIntervalS, planCheckpoint, type StorageCheckpointSpec } from './storage.js';

const tectonic = (async = false): StorageCheckpointSpec => ({ storage: STORAGE_PRESETS['tectonic-llama3'], bytesPerParam: 14, async, keep: 2 });

describe('checkpoint storage (src/sim/storage.ts)', () => {
  it('every preset carries a source', () => {
    for (const p of Object.values(STORAGE_PRESETS)) expect(p.source.length).toBeGreaterThan(40);
  });

  it('a 2.8T-parameter checkpoint on Tectonic: 14 B/param, ~19 s at 2 TB/s, restored at the 7 TB/s peak', () => {
    const p = planCheckpoint(tectonic(), 12_288, 8, 2.757e12);
    expect(p.bytes).toBeCloseTo(2.757e12 * 14, -3);
    expect(p.storageGBps).toBe(2000);
    expect(p.drainS).toBeCloseTo(p.bytes / 2e12, 9);
    expect(p.blockingS).toBe(p.drainS); // synchronous: the whole write blocks
    expect(p.restoreS).toBeCloseTo(p.bytes / 7e12, 9);
    expect(p.bytesPerGpu).toBeCloseTo(p.bytes / 98_304, 3);
  });

  it('a small job is limited by its nodes\' storage NICs, not by the storage system', () => {
    const p = planCheckpoint(tectonic(), 16, 8, 70e9);
    expect(p.storageGBps).toBe(16 * 50);
    expect(p.drainS).toBeCloseTo((70e9 * 14) / 800e9, 9);
  });

  it('async saves block for the snapshot only; the drain still takes bytes ÷ bandwidth', () => {
    const sync = planCheckpoint(tectonic(false), 2048, 8, 405e9);
    const async = planCheckpoint(tectonic(true), 2048, 8, 405e9);
    expect(async.blockingS).toBeCloseTo(ASYNC_SNAPSHOT.stallS + async.bytesPerGpu / (ASYNC_SNAPSHOT.d2hGBpsPerGpu * 1e9), 9);
    expect(async.blockingS).toBeLessThan(sync.blockingS);
    expect(async.writeS).toBeCloseTo(async.blockingS + sync.drainS, 9);
  });

  it('peer-memory checkpoints scale with the job: bandwidth and capacity per node', () => {
    const spec: StorageCheckpointSpec = { storage: STORAGE_PRESETS['peer-memory'], bytesPerParam: 14, async: true, keep: 1 };
    const small = planCheckpoint(spec, 100, 8, 1e12);
    const big = planCheckpoint(spec, 1000, 8, 1e12);
    expect(big.storageGBps).toBeCloseTo(10 * small.storageGBps, 9);
    expect(big.capacityTB).toBeCloseTo(10 * small.capacityTB, 9);
    expect(big.restoreS).toBeLessThan(small.restoreS);
  });

  it('property: more bytes never write faster; more nodes never write slower', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30_000 }), fc.double({ min: 1e8, max: 1e13, noNaN: true }), fc.boolean(), (nodes, params, async) => {
        const a = planCheckpoint(tectonic(async), nodes, 8, params);
        const b = planCheckpoint(tectonic(async), nodes, 8, params * 2);
        const c = planCheckpoint(tectonic(async), nodes * 2, 8, params);
        expect(b.drainS).toBeGreaterThanOrEqual(a.drainS);
        expect(c.drainS).toBeLessThanOrEqual(a.drainS * (1 + 1e-12));
        expect(a.blockingS).toBeLessThanOrEqual(a.writeS + 1e-12);
        expect(a.storageGBps).toBeLessThanOrEqual(STORAGE_PRESETS['tectonic-llama3'].writeGBps);
      }),
    );
  });
});

describe('peer-memory checkpoints (each node writes its share to its own memory tier)', () => {
  it('bandwidth and capacity scale with the nodes: min(write, NIC) and min(read, NIC) per node', () => {
    const spec: StorageCheckpointSpec = {
      storage: { name: 'peer', tier: 'peer-memory', writeGBps: 30, readGBps: 80, nodeGBps: 50, capacityTB: 2, source: 'test' },
      bytesPerParam: 14,
      async: false,
      keep: 2,
      bytes: 1.6e12,
    };
    const p = planCheckpoint(spec, 4, 8);
    expect(p.storageGBps).toBe(120); // 4 × min(30, 50)
    expect(p.readGBps).toBe(200); // 4 × min(80, 50)
    expect(p.capacityTB).toBe(8); // 4 × 2 TB
    expect(p.neededTB).toBe(3.2);
    expect(p.drainS).toBeCloseTo(1.6e12 / 120e9, 9);
    expect(p.restoreS).toBeCloseTo(1.6e12 / 200e9, 9);
  });
});

describe('a plan as the engine\'s checkpoint costs', () => {
  it('the write, the blocking time and the restore of the plan at a given interval; the shortest interval is the drain', () => {
    const p = planCheckpoint({ ...tectonic(true), bytes: 4e12 }, 1024, 8);
    expect(checkpointCostsOf(p, 900)).toEqual({ intervalS: 900, writeS: p.writeS, blockS: p.blockingS, restoreS: p.restoreS });
    expect(p.blockingS).toBeLessThan(p.writeS);
    expect(minIntervalS(p)).toBe(p.drainS);
    expect(p.drainS).toBeCloseTo(2, 9); // 4 TB at 2,000 GB/s
  });
});
