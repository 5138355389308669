import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FABRICS, defaultFabric } from '../../catalog/fabrics.js';
import type { CollectiveKind, NetTables } from './algorithm.js';
import { NVLS_GAIN } from './algorithms/nvls.js';
import { ALGORITHMS, chosenAlgorithm, collectiveS } from './choose.js';
import type { Fabric } from './fabric.js';
import { spanOf } from './placement.js';
import { topologyOf } from './topology.js';

const KINDS: readonly CollectiveKind[] = ['reduce-scatter', 'all-gather', 'all-reduce', 'all-to-all'];

function tables(f: Fabric, domain = f.nvlinkDomain ?? 8): NetTables {
  return { topo: topologyOf(f, domain, 450), nvlinkBps: 450e9 * 0.8, nvlinkLineBps: 450e9, nicEff: 0.85, allToAllEff: 0.6, nvlinkLatencyS: 5e-6, nicLatencyS: 12e-6 };
}

const fabrics = [...FABRICS, defaultFabric(400, 4)];
const arbGroup = fc.record({
  fabric: fc.integer({ min: 0, max: fabrics.length - 1 }),
  size: fc.integer({ min: 1, max: 4096 }),
  stride: fc.constantFrom(1, 2, 4, 8, 16, 64, 128, 1024),
  bytes: fc.double({ min: 1e3, max: 1e11, noNaN: true }),
});

// One contract for every algorithm: what any collective on any fabric must satisfy.
describe.each(ALGORITHMS.map((a) => [a.id, a] as const))('collective algorithm %s (shared contract)', (_id, alg) => {
  it('costs nothing for one rank or no bytes, and is finite and positive otherwise', () => {
    fc.assert(
      fc.property(arbGroup, ({ fabric, size, stride, bytes }) => {
        const t = tables(fabrics[fabric] as Fabric);
        for (const kind of KINDS) {
          const g = spanOf(t.topo, size, stride);
          if (!alg.supports(kind, t, g)) continue;
          expect(alg.timeS(kind, t, spanOf(t.topo, 1, stride), bytes)).toBe(0);
          expect(alg.timeS(kind, t, g, 0)).toBe(0);
          const x = alg.timeS(kind, t, g, bytes);
          expect(Number.isFinite(x) && x >= 0).toBe(true);
          if (size > 1) expect(x).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('never beats the line rate: a rank receives its share through NVLink or its NIC', () => {
    fc.assert(
      fc.property(arbGroup, ({ fabric, size, stride, bytes }) => {
        const t = tables(fabrics[fabric] as Fabric);
        const g = spanOf(t.topo, size, stride);
        const n = g.size;
        const q0 = g.members[0] as number;
        for (const kind of KINDS) {
          if (n <= 1 || !alg.supports(kind, t, g)) continue;
          const x = alg.timeS(kind, t, g, bytes);
          const lb =
            kind === 'all-to-all'
              ? g.top >= 1
                ? (bytes * (n - q0)) / n / t.topo.nicLineBps
                : (bytes * (n - 1)) / n / t.nvlinkLineBps
              : g.top >= 1
                ? // the other domains' contributions, pre-reduced there, through this domain's q0 NICs
                  (((n / q0 - 1) / (n / q0)) * bytes) / q0 / t.topo.nicLineBps
                : (((n - 1) / n) * bytes) / (t.nvlinkLineBps * NVLS_GAIN);
          expect(x).toBeGreaterThanOrEqual(lb * (1 - 1e-9));
        }
      }),
    );
  });

  it('takes longer for more bytes', () => {
    fc.assert(
      fc.property(arbGroup, ({ fabric, size, stride, bytes }) => {
        const t = tables(fabrics[fabric] as Fabric);
        const g = spanOf(t.topo, size, stride);
        for (const kind of KINDS) {
          if (!alg.supports(kind, t, g)) continue;
          expect(alg.timeS(kind, t, g, 2 * bytes)).toBeGreaterThanOrEqual(alg.timeS(kind, t, g, bytes));
        }
      }),
    );
  });

  it('ignores oversubscription above the group and is slowed (never sped up) by it below', () => {
    fc.assert(
      fc.property(arbGroup, fc.integer({ min: 2, max: 8 }), ({ size, stride, bytes }, over) => {
        const base = defaultFabric(400, 1);
        const worse = defaultFabric(400, over);
        const t1 = tables(base);
        const t2 = tables(worse);
        const g = spanOf(t1.topo, size, stride);
        const coreLevel = t1.topo.names.indexOf('core');
        for (const kind of KINDS) {
          if (!alg.supports(kind, t1, g) || !alg.supports(kind, t2, g)) continue;
          const a = alg.timeS(kind, t1, g, bytes);
          const b = alg.timeS(kind, t2, g, bytes);
          if (g.top < coreLevel) expect(b).toBe(a);
          else expect(b).toBeGreaterThanOrEqual(a);
        }
      }),
    );
  });
});

describe('NCCL-like choice', () => {
  // Built inside each test: mutation testing activates its mutant after describe bodies run.
  const tablesOf = () => tables(defaultFabric(400, 1));
  it('is the cheapest supported algorithm', () => {
    const t = tablesOf();
    fc.assert(
      fc.property(arbGroup, ({ size, stride, bytes }) => {
        const g = spanOf(t.topo, size, stride);
        for (const kind of KINDS) {
          const best = collectiveS(kind, t, g, bytes);
          for (const a of ALGORITHMS) if (a.id !== 'hierarchical' && a.supports(kind, t, g)) expect(best).toBeLessThanOrEqual(a.timeS(kind, t, g, bytes));
        }
      }),
    );
  });
  it('picks the tree for small all-reduces over many nodes and the ring for large ones over few', () => {
    const t = tablesOf();
    const wide = spanOf(t.topo, 4096, 8);
    expect(chosenAlgorithm('all-reduce', t, wide, 1e6)).toBe('tree');
    const narrow = spanOf(t.topo, 16, 8);
    expect(chosenAlgorithm('all-reduce', t, narrow, 1e10)).toBe('ring');
  });
  it('uses SHARP on an InfiniBand fabric with in-network reduction for large all-reduces', () => {
    const ib = tables(FABRICS.find((f) => f.id === 'dgx-superpod-h100-ndr') as Fabric);
    expect(chosenAlgorithm('all-reduce', ib, spanOf(ib.topo, 512, 8), 1e9)).toBe('sharp');
  });
  it('names the same algorithm for an empty collective whatever was asked before (NCCL\'s default, the ring)', () => {
    const t = tablesOf();
    const wide = spanOf(t.topo, 4096, 8);
    expect(chosenAlgorithm('all-reduce', t, wide, 1e6)).toBe('tree');
    expect(chosenAlgorithm('all-reduce', t, wide, 0)).toBe('ring');
    expect(chosenAlgorithm('all-reduce', t, spanOf(t.topo, 1, 1), 1e6)).toBe('ring');
  });
  it('uses NVLS inside an NVLink domain of a Hopper fabric', () => {
    const cx = tables(FABRICS.find((f) => f.id === 'colossus-spectrum-x') as Fabric);
    expect(chosenAlgorithm('all-reduce', cx, spanOf(cx.topo, 8, 1), 1e9)).toBe('nvls');
  });
});

describe('bucketed overlap', () => {
  it('hides everything but the last bucket behind a long enough window, and exposes the rest otherwise', async () => {
    const { bucketedExposedS, ddpBuckets } = await import('./overlap.js');
    expect(bucketedExposedS(1, 10, 10)).toBeCloseTo(0.1);
    expect(bucketedExposedS(1, 0, 10)).toBe(1);
    expect(bucketedExposedS(0, 1, 4)).toBe(0);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), fc.integer({ min: 1, max: 1000 }), (c, w, u) => {
        const x = bucketedExposedS(c, w, u);
        expect(x).toBeLessThanOrEqual(c + 1e-12);
        expect(x).toBeGreaterThanOrEqual(Math.max(c / u, c - w) - 1e-12);
        expect(bucketedExposedS(c, w + 1, u)).toBeLessThanOrEqual(x + 1e-12);
      }),
    );
    expect(ddpBuckets(3.2e9, 8, 128)).toBe(8 * 4); // 400M per chunk in 128M buckets
    expect(ddpBuckets(1e6, 4, 8)).toBe(4);
  });
});
