import { describe, expect, it } from 'vitest';
import { findFabric } from '../../catalog/fabrics.js';
import type { Fabric } from './fabric.js';
import { topologyOf } from './topology.js';

// A fabric whose top tier is bounded (a tier list written by hand, e.g. one 1,024-GPU pod) gets an
// unbounded 'cluster' level above it at the top tier's rate and latency, without SHARP.
const meta = findFabric('meta-llama3-24k-roce') as Fabric;

describe('topologyOf: the top of the fabric', () => {
  it('adds a cluster level above a bounded top tier, at its line rate and latency, never SHARP', () => {
    const f: Fabric = { ...meta, gbpsPerGpu: 400, tiers: [
      { name: 'leaf', gpus: 32, oversubscription: 1, hopLatencyS: 1e-6, sharp: true },
      { name: 'pod', gpus: 1024, oversubscription: 2, hopLatencyS: 2e-6, sharp: true },
    ] } as Fabric;
    const t = topologyOf(f, 8, 450);
    expect(t.names).toEqual(['nvlink', 'leaf', 'pod', 'cluster']);
    expect(t.domainGpus).toEqual([8, 32, 1024, Infinity]);
    const nic = (400e9) / 8;
    expect(t.nicLineBps).toBe(nic);
    expect(t.lineBps).toEqual([450e9, nic, nic / 2, nic / 2]);
    expect(t.hopLatencyS[3]).toBeCloseTo(3e-6, 15);
    expect(t.hopLatencyS[2]).toBeCloseTo(3e-6, 15);
    expect(t.sharpUpTo).toEqual([false, true, true, false]);
  });

  it('adds nothing above an unbounded top tier', () => {
    const t = topologyOf(meta, 8, 450);
    expect(t.names[t.names.length - 1]).not.toBe('cluster');
    expect(t.domainGpus[t.domainGpus.length - 1]).toBe(Infinity);
    expect(t.names).toHaveLength(meta.tiers.length + 1);
  });
});
