import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSpecValue } from './parse.js';
import { CP_COMMS, PARALLEL_KEYS, parsePlanText, planLabel, PlanTextError, PLAN_FIELDS, SCHEDULES } from './plan-codec.js';
import type { ParallelPlan } from './types.js';

const deg = fc.constantFrom(1, 2, 4, 8, 16, 64);
const plan: fc.Arbitrary<ParallelPlan> = fc
  .record({
    tp: deg, pp: deg, dp: deg, cp: deg, ep: deg, vpp: fc.constantFrom(1, 2, 4), microBatch: fc.constantFrom(1, 2, 8),
    sequenceParallel: fc.boolean(), recompute: fc.constantFrom('none', 'selective', 'full'), zeroStage: fc.constantFrom(0, 1, 2, 3),
    tpCommOverlap: fc.boolean(), epDispatch: fc.constantFrom('alltoall', 'deepep'), epCommOverlap: fc.boolean(), schedule: fc.constantFrom(...SCHEDULES),
    cpComm: fc.constantFrom(undefined, ...CP_COMMS),
  } as const)
  .map(({ cpComm, ...p }) => ({ ...p, ...(cpComm !== undefined && p.cp > 1 ? { cpComm } : {}), distributedOptimizer: p.zeroStage >= 1, tpCommOverlap: p.tp > 1 ? p.tpCommOverlap : true, ...(p.ep > 1 ? {} : { epDispatch: 'alltoall' as const, epCommOverlap: false }) }));

/** What a label carries: the fields that mean something for the plan (EP facts with EP, TP overlap with TP). */
function meaning(p: ParallelPlan): Record<string, unknown> {
  return { ...p, epDispatch: p.ep > 1 ? (p.epDispatch ?? 'alltoall') : undefined, epCommOverlap: p.ep > 1 ? (p.epCommOverlap ?? false) : undefined };
}

describe('the plan codec: one definition of the plan fields', () => {
  it('planLabel → parsePlanText gives the plan back (every field that matters)', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const back = parsePlanText(planLabel(p, { schedule: 'always' }));
        const { schedules: _s, ...fields } = back;
        const full: ParallelPlan = {
          ...p, ...fields, epDispatch: back.epDispatch ?? 'alltoall', epCommOverlap: back.epCommOverlap ?? false, tpCommOverlap: back.tpCommOverlap ?? true,
          sequenceParallel: back.sequenceParallel ?? false, schedule: back.schedules?.[0] ?? p.schedule,
        } as ParallelPlan;
        expect(meaning(full)).toEqual(meaning(p));
        expect(back.schedules).toEqual([p.schedule]);
      }),
      { numRuns: 400 },
    );
  });

  it('the default label leaves out only the default schedule for its vpp', () => {
    const p: ParallelPlan = { tp: 8, pp: 16, dp: 128, cp: 1, ep: 1, vpp: 2, microBatch: 1, sequenceParallel: true, recompute: 'full', distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true, schedule: 'interleaved' };
    expect(planLabel(p)).toBe('tp8 pp16/v2 cp1 dp128 mb1 full SP Z1');
    expect(planLabel({ ...p, vpp: 1, schedule: 'dualpipe', ep: 64, epDispatch: 'deepep', epCommOverlap: true, tpCommOverlap: false })).toBe('tp8 pp16 cp1 dp128 ep64 DeepEP a2a-overlap mb1 full SP no-tp-overlap Z1 dualpipe');
  });

  it('reads the key=value form, the short form and the label form alike', () => {
    const a = parsePlanText('tp=8,pp=16,dp=128,vpp=2,mb=1,recompute=full,zero=1,sp=true,schedule=interleaved');
    const b = parsePlanText('tp8,pp16,dp128,vpp2,mb1,recompute=full,zero1,sp=on,schedule=interleaved');
    const c = parsePlanText('tp8 pp16/v2 cp1 dp128 mb1 full SP Z1 interleaved');
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    // The CP exchange: as a field (a2a+p2p keeps its '+') and as the label's word.
    expect(parsePlanText('tp8,pp16,cp4,dp128,cpComm=a2a+p2p').cpComm).toBe('a2a+p2p');
    expect(parsePlanText('tp8 pp16 cp4 cp-a2a dp128').cpComm).toBe('a2a');
  });

  it('names the token and the choices when it cannot read one', () => {
    expect(() => parsePlanText('tp8,pp16,dp128,foo=1')).toThrow(PlanTextError);
    expect(() => parsePlanText('tp8,pp16,dp128,foo=1')).toThrow(/cannot read "foo=1"/);
    expect(() => parsePlanText('tp8,pp16,dp128,schedule=gpipe')).toThrow(/schedule must be 1f1b, interleaved, zero-bubble, dualpipe/);
    expect(() => parsePlanText('tp8,pp16,dp128,zero=4')).toThrow(/0, 1, 2 or 3/);
    expect(() => parsePlanText('tp8,pp16')).toThrow(/needs at least tp, pp and dp/);
  });

  it("a spec's parallel takes every field the codec defines, and no other", () => {
    expect(PARALLEL_KEYS).toEqual(PLAN_FIELDS.map((f) => f.key));
    const value: Record<string, unknown> = { tp: 1, pp: 2, dp: 4, cp: 1, cpComm: 'ring', ep: 1, vpp: 1, microBatch: 1, sequenceParallel: false, recompute: 'none', distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true, epDispatch: 'alltoall', epCommOverlap: false, schedule: '1f1b' };
    expect(Object.keys(value).sort()).toEqual([...PARALLEL_KEYS].sort());
    const r = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen: 4096, globalBatch: 32 }, parallel: value });
    expect(r.ok, JSON.stringify(!r.ok && r.issues)).toBe(true);
    const bad = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen: 4096, globalBatch: 32 }, parallel: { ...value, mb: 1 } });
    expect(bad.ok).toBe(false);
  });
});
