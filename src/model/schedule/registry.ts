import { dualPipe } from './dualpipe.js';
import { interleaved } from './interleaved.js';
import { oneFOneB } from './one-f-one-b.js';
import type { PipelineSchedule, ScheduleId } from './schedule.js';
import { zeroBubble } from './zero-bubble.js';

const BY_ID: Record<ScheduleId, PipelineSchedule> = { '1f1b': oneFOneB, interleaved, 'zero-bubble': zeroBubble, dualpipe: dualPipe };

export function scheduleOf(id: ScheduleId): PipelineSchedule {
  return BY_ID[id];
}

/** The schedule a plan runs: the one it names, else Megatron's default for its vpp. */
export function scheduleIdOf(p: { schedule?: ScheduleId; vpp: number }): ScheduleId {
  return p.schedule ?? (p.vpp > 1 ? 'interleaved' : '1f1b');
}

/** Why a plan's pipeline cannot run (undefined: it can). pp 1 runs under any schedule (no pipeline). */
export function scheduleProblem(id: ScheduleId, pp: number, vpp: number, microBatches: number, layers: number): string | undefined {
  if (pp === 1 && vpp === 1) return undefined;
  if (pp > layers) return `pp ${pp} exceeds the ${layers} layers`;
  return BY_ID[id].invalid(pp, vpp, microBatches, layers);
}
