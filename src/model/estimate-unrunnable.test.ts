import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { parseSpecValue, type Spec } from '../spec/index.js';
import { estimate } from './estimate.js';
import { defaultEfficiency } from './layer/layer-phase.js';
import { networkOf, sendRecvS } from './network/network.js';

// A plan whose free knobs leave no schedule able to run it is refused on `parallel.schedule`,
// with each allowed schedule's reason. Llama 3 405B's published plan, TP8 PP16 DP128.
const doc = parse(readFileSync(new URL('../../examples/llama3-405b.yaml', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
function specWith(parallel: Record<string, unknown>, training: Record<string, unknown> = {}): Spec {
  const r = parseSpecValue({ ...doc, parallel: { ...doc['parallel'], ...parallel }, training: { ...doc['training'], ...training } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}
function refusal(spec: Spec): unknown {
  try {
    estimate(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).issues;
  }
  throw new Error('estimate ran an unrunnable plan');
}
const expected = 'a plan one of the schedules can run (change dp, microBatch, vpp or parallel.schedule)';

describe('estimate on a plan no allowed schedule can run', () => {
  it('DualPipe with too few micro-batches at every free micro-batch size', () => {
    expect(refusal(specWith({ schedule: 'dualpipe' }))).toEqual([
      { path: 'parallel.schedule', message: 'no allowed pipeline schedule runs pp 16 with 16 micro-batches per pipeline (dualpipe: needs an even number of micro-batches per pipeline ≥ 2·pp (32), not 16)', expected, received: 'dualpipe' },
    ]);
  });
  it('names the vpp when the plan fixes it', () => {
    const issues = refusal(specWith({ schedule: 'dualpipe', vpp: 1 })) as { message: string }[];
    expect(issues[0]?.message).toBe('no allowed pipeline schedule runs pp 16, vpp 1 with 16 micro-batches per pipeline (dualpipe: needs an even number of micro-batches per pipeline ≥ 2·pp (32), not 16)');
  });
  it('interleaved with vpp free is asked at vpp 2, with the micro-batches per pipeline of micro-batch 1', () => {
    const issues = refusal(specWith({ schedule: 'interleaved' }, { globalBatch: 1024 })) as { message: string; received: string }[];
    expect(issues[0]?.message).toBe('no allowed pipeline schedule runs pp 16 with 8 micro-batches per pipeline (interleaved: Megatron-LM needs the micro-batches per pipeline (8) to be a multiple of pp (16))');
    expect(issues[0]?.received).toBe('interleaved');
  });
});

describe('sendRecvS', () => {
  // Built inside each test: mutation testing activates its mutant after describe bodies run.
  const network = () => {
    const spec = specWith({});
    return networkOf(spec.system, defaultEfficiency(spec.system.gpu));
  };
  it('is bytes over the link plus its latency: the NIC across NVLink domains, NVLink inside one', () => {
    const net = network();
    expect(sendRecvS(net, 8e6, true)).toBe(8e6 / net.nicBps + net.nicLatencyS);
    expect(sendRecvS(net, 8e6, false)).toBe(8e6 / net.nvlinkBps + net.nvlinkLatencyS);
    expect(sendRecvS(net, 8e6, true)).toBeGreaterThan(sendRecvS(net, 8e6, false));
    expect(net.nicLatencyS).toBeGreaterThan(0);
  });
  it('costs nothing for no bytes (or fewer)', () => {
    const net = network();
    expect(sendRecvS(net, 0, true)).toBe(0);
    expect(sendRecvS(net, -1, false)).toBe(0);
    expect(sendRecvS(net, 1, false)).toBeGreaterThan(0);
  });
});
