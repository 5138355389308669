import { describe, expect, it } from 'vitest';
import { scheduleIdOf, scheduleOf, scheduleProblem } from './registry.js';
import { maxOf, minOf, runSchedule, sumOf, type ScheduleOut } from './schedule.js';

describe('scheduleIdOf', () => {
  it('is the named schedule, else Megatron\'s default: interleaved for vpp > 1, 1f1b for vpp 1', () => {
    expect(scheduleIdOf({ vpp: 1 })).toBe('1f1b');
    expect(scheduleIdOf({ vpp: 2 })).toBe('interleaved');
    expect(scheduleIdOf({ vpp: 1, schedule: 'dualpipe' })).toBe('dualpipe');
    expect(scheduleIdOf({ vpp: 4, schedule: 'zero-bubble' })).toBe('zero-bubble');
  });
});

describe('scheduleProblem', () => {
  it('pp 1 and vpp 1 runs under any schedule (there is no pipeline)', () => {
    for (const id of ['1f1b', 'interleaved', 'zero-bubble', 'dualpipe'] as const) expect(scheduleProblem(id, 1, 1, 3, 2)).toBeUndefined();
  });
  it('pp 1 with vpp 2 is still asked of its schedule', () => {
    expect(scheduleProblem('interleaved', 1, 2, 8, 32)).toBe('needs pipeline parallelism (pp > 1)');
    expect(scheduleProblem('1f1b', 1, 2, 8, 32)).toBe('runs one model chunk per device (vpp 1); interleaving is the interleaved schedule');
  });
  it('refuses more stages than layers, naming both, before asking the schedule', () => {
    expect(scheduleProblem('1f1b', 8, 1, 16, 4)).toBe('pp 8 exceeds the 4 layers');
    expect(scheduleProblem('1f1b', 4, 1, 16, 4)).toBeUndefined();
    expect(scheduleProblem('dualpipe', 8, 1, 3, 4)).toBe('pp 8 exceeds the 4 layers');
  });
  it('passes the schedule\'s own reason through', () => {
    expect(scheduleProblem('dualpipe', 4, 1, 6, 32)).toBe('needs an even number of micro-batches per pipeline ≥ 2·pp (8), not 6');
    expect(scheduleProblem('dualpipe', 4, 1, 8, 32)).toBeUndefined();
    expect(scheduleProblem('interleaved', 4, 4, 8, 8)).toBe('pp·vpp = 16 exceeds the 8 layers (a virtual stage needs a layer)');
    expect(scheduleProblem('interleaved', 4, 2, 6, 32)).toBe('Megatron-LM needs the micro-batches per pipeline (6) to be a multiple of pp (4)');
    expect(scheduleProblem('zero-bubble', 4, 2, 8, 32)).toBe('ZB-H1 runs one model chunk per device (vpp 1)');
  });
});

describe('maxOf, sumOf, minOf', () => {
  const a = [1, 5, 2, 9];
  const b = [4, 0, 1, 0];
  const c = [0, 1, 0, 10];
  it('read only the first pp devices', () => {
    expect(maxOf(3, a)).toBe(5);
    expect(maxOf(4, a)).toBe(9);
    expect(sumOf(3, a)).toBe(8);
    expect(minOf(3, [3, 2, 7, 1])).toBe(2);
    expect(minOf(4, [3, 2, 7, 1])).toBe(1);
  });
  it('add the second and third terms device by device before the max', () => {
    expect(maxOf(3, a, b)).toBe(5);
    expect(maxOf(3, a, b, c)).toBe(6);
    expect(maxOf(4, a, b, c)).toBe(19);
    expect(sumOf(4, a, b)).toBe(22);
    expect(sumOf(4, a, b, c)).toBe(33);
    expect(maxOf(2, [-3, -1])).toBe(-1);
  });
});

describe('runSchedule', () => {
  it('1f1b: (sum + (m−1)·max) and peak in flight min(pp − d, m) on the first device', () => {
    const t = { fS: new Float64Array([1, 2, 1, 1]), bS: new Float64Array([2, 4, 2, 2]), wS: new Float64Array(4), fbS: new Float64Array(4) };
    const out: ScheduleOut = { pipelineS: 0, peakInFlight: 0, inFlight: new Float64Array(1) };
    runSchedule(scheduleOf('1f1b'), 4, 1, 8, t, out);
    expect(out.pipelineS).toBe(15 + 7 * 6);
    expect(Array.from(out.inFlight.subarray(0, 4))).toEqual([4, 3, 2, 1]);
    expect(out.inFlight.length).toBeGreaterThanOrEqual(4);
    expect(out.peakInFlight).toBe(4);
    runSchedule(scheduleOf('1f1b'), 4, 1, 2, t, out);
    expect(Array.from(out.inFlight.subarray(0, 4))).toEqual([2, 2, 2, 1]);
    expect(out.peakInFlight).toBe(2);
  });
  it('grows its buffer to at least pp, and keeps a larger one', () => {
    const t = { fS: new Float64Array(16).fill(1), bS: new Float64Array(16).fill(2), wS: new Float64Array(16), fbS: new Float64Array(16) };
    const out: ScheduleOut = { pipelineS: 0, peakInFlight: 0, inFlight: new Float64Array(2) };
    runSchedule(scheduleOf('1f1b'), 16, 1, 32, t, out);
    expect(out.inFlight.length).toBe(16);
    const big = new Float64Array(64);
    out.inFlight = big;
    runSchedule(scheduleOf('1f1b'), 16, 1, 32, t, out);
    expect(out.inFlight).toBe(big);
  });
});
