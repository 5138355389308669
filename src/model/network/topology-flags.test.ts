import { describe, expect, it } from 'vitest';
import { defaultFabric } from '../../catalog/fabrics.js';
import type { Fabric } from './fabric.js';
import { spanOf } from './placement.js';
import { topologyOf } from './topology.js';

const fabric = (tiers: Fabric['tiers'], extra: Partial<Fabric> = {}): Fabric => ({
  id: 'hand',
  name: 'hand-written',
  gbpsPerGpu: 400,
  rails: false,
  tiers,
  source: 'test fixture [A]',
  ...extra,
});

describe('topologyOf: SHARP and NVLS flags', () => {
  it('SHARP up to a level needs it on every tier up to that level', () => {
    const t = topologyOf(
      fabric([
        { name: 'leaf', gpus: 32, oversubscription: 1, hopLatencyS: 1e-6 },
        { name: 'spine', gpus: Infinity, oversubscription: 1, hopLatencyS: 1e-6, sharp: true },
      ]),
      8,
      450,
    );
    expect(t.sharpUpTo).toEqual([false, false, false]);
    const all = topologyOf(
      fabric([
        { name: 'leaf', gpus: 32, oversubscription: 1, hopLatencyS: 1e-6, sharp: true },
        { name: 'spine', gpus: Infinity, oversubscription: 1, hopLatencyS: 1e-6, sharp: true },
      ]),
      8,
      450,
    );
    expect(all.sharpUpTo).toEqual([false, true, true]);
  });

  it('NVLS only where the fabric says its NVSwitches have it', () => {
    expect(topologyOf(defaultFabric(400, 1), 8, 450).nvls).toBe(false);
    expect(topologyOf({ ...defaultFabric(400, 1), nvls: false }, 8, 450).nvls).toBe(false);
    expect(topologyOf({ ...defaultFabric(400, 1), nvls: true }, 8, 450).nvls).toBe(true);
  });
});

describe('spanOf: members never decrease up the levels', () => {
  it('a remainder smaller than the level below is raised to it', () => {
    // NVLink domains of 4 under 6-GPU leaves: 8 ranks fill two domains of 4, and the second
    // leaf holds 2 of them by count, but those 2 sit in a domain holding 4 of the group.
    const t = topologyOf(
      fabric([
        { name: 'leaf', gpus: 6, oversubscription: 1, hopLatencyS: 1e-6 },
        { name: 'spine', gpus: Infinity, oversubscription: 1, hopLatencyS: 1e-6 },
      ]),
      4,
      450,
    );
    expect(spanOf(t, 8, 1)).toEqual({ size: 8, stride: 1, members: [4, 4, 8], top: 2 });
  });
});
