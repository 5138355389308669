import { describe, expect, it } from 'vitest';
import { parseSpecValue } from '../../spec/index.js';
import { defaultEfficiency } from '../layer/layer-phase.js';
import { dispatchS, networkOf } from './network.js';

// The MoE dispatch over a three-tier fabric (leaf 16 GPUs, pod 64, core at `over`:1) of 8-GPU
// NVLink domains, written out from its definition: copies leave over the NIC for the domains the
// token's experts are expected to hit, the share bound outside a pod crosses the core at its
// oversubscription, NVLink forwards the rest. The latency term is the same at any byte count, so
// f(2b) − f(b) is the bandwidth term alone.
function netWith(over: number) {
  const r = parseSpecValue(
    { model: 'deepseek-v3', system: { gpu: 'h100-sxm', gpus: 128, fabric: { tiers: [{ name: 'leaf', gpus: 16 }, { name: 'pod', gpus: 64 }, { name: 'core', oversubscription: over }] } }, training: { seqLen: 4096, globalBatch: 512 } },
    undefined, [], { planOptional: true },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return networkOf(r.spec.system, defaultEfficiency(r.spec.system.gpu));
}
const bandwidthS = (f: (b: number) => number, b: number): number => f(2 * b) - f(b);

describe('dispatchS', () => {
  const tokens = 4096, topK = 8, b = 7168;
  it('costs nothing for one rank or no tokens', () => {
    const net = netWith(1);
    expect(dispatchS(net, tokens, topK, b, 1)).toBe(0);
    expect(dispatchS(net, 0, topK, b, 64)).toBe(0);
    expect(dispatchS(net, tokens, topK, b, 2)).toBeGreaterThan(0);
  });

  it('inside one NVLink domain: the copies for the other GPUs over NVLink, plus log2(size) hops', () => {
    const net = netWith(1);
    const copies = tokens * topK * b;
    expect(dispatchS(net, tokens, topK, b, 8)).toBeCloseTo((copies * 7) / 8 / net.dispatchNvlinkBps + net.nvlinkLatencyS * 3, 12);
    expect(dispatchS(net, tokens, topK, b, 4)).toBeCloseTo((copies * 3) / 4 / net.dispatchNvlinkBps + net.nvlinkLatencyS * 2, 12);
  });

  it('across pods: the NIC bytes, slowed by the core only for the share bound outside the pod', () => {
    for (const over of [1, 2, 4]) {
      const net = netWith(over);
      const size = 128;
      const domains = 16;
      const hit = domains * (1 - (1 - 1 / domains) ** topK);
      const nicBytes = tokens * hit * (1 - 1 / domains) * b;
      const corePenalty = Math.max(1, (over * (size - 64)) / (size - 8));
      const tInter = (nicBytes / net.dispatchNicBps) * corePenalty;
      const tIntra = (tokens * topK * b * 7) / 8 / net.dispatchNvlinkBps;
      expect(bandwidthS((x) => dispatchS(net, tokens, topK, x, size), b), `over ${over}`).toBeCloseTo(Math.max(tInter, tIntra), 9);
    }
    expect(dispatchS(netWith(4), tokens, topK, b, 128)).toBeGreaterThan(dispatchS(netWith(1), tokens, topK, b, 128) * 1.5);
  });

  it('inside one pod the core does not matter', () => {
    expect(dispatchS(netWith(8), tokens, topK, b, 64)).toBe(dispatchS(netWith(1), tokens, topK, b, 64));
  });

  it('group-limited routing reaches at most groupTopK·⌈domains/groups⌉ domains', () => {
    const net = netWith(1);
    const size = 128;
    const domains = 16;
    // 8 groups, 2 chosen: 2·⌈16/8⌉ = 4 reachable domains.
    const reachable = 4;
    const hit = reachable * (1 - (1 - 1 / reachable) ** topK);
    const nicBytes = tokens * hit * (1 - 1 / domains) * b;
    const tIntra = (tokens * topK * b * 7) / 8 / net.dispatchNvlinkBps;
    const limited = (x: number) => dispatchS(net, tokens, topK, x, size, { count: 8, topK: 2 });
    expect(bandwidthS(limited, b)).toBeCloseTo(Math.max(nicBytes / net.dispatchNicBps, tIntra), 9);
    expect(limited(b)).toBeLessThan(dispatchS(net, tokens, topK, b, size));
    // More groups chosen than exist domains: every domain is reachable, as without the limit.
    expect(dispatchS(net, tokens, topK, b, size, { count: 2, topK: 2 })).toBe(dispatchS(net, tokens, topK, b, size));
  });
});
