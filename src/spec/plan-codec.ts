import type { CpComm, EpDispatch, ParallelPlan, PartialPlan, Recompute, ScheduleId } from './types.js';

/**
 * The plan's fields, defined once: what a spec's `parallel` may hold, what `search --rank`
 * reads, and how every plan is written in one line (`planLabel`, which `parsePlanText` reads
 * back). Tables, explanations, estimates and the campaign report all label plans with it.
 */
export type PlanKey = keyof ParallelPlan;

export const RECOMPUTES: readonly Recompute[] = ['none', 'selective', 'full'];
export const EP_DISPATCHERS: readonly EpDispatch[] = ['alltoall', 'deepep'];
export const CP_COMMS: readonly CpComm[] = ['ring', 'allgather', 'a2a', 'a2a+p2p'];
export const SCHEDULES: readonly ScheduleId[] = ['1f1b', 'interleaved', 'zero-bubble', 'dualpipe'];

interface FieldBase {
  key: PlanKey;
  /** Other names `--rank` accepts (`mb` for microBatch). */
  aliases: readonly string[];
}
export type PlanField =
  | (FieldBase & { kind: 'degree' })
  | (FieldBase & { kind: 'zero' })
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'enum'; values: readonly string[] });

/** Every field of a parallel plan, in the order a label writes them. */
export const PLAN_FIELDS: readonly PlanField[] = [
  { key: 'tp', kind: 'degree', aliases: [] },
  { key: 'pp', kind: 'degree', aliases: [] },
  { key: 'vpp', kind: 'degree', aliases: ['v'] },
  { key: 'cp', kind: 'degree', aliases: [] },
  { key: 'cpComm', kind: 'enum', values: CP_COMMS, aliases: [] },
  { key: 'dp', kind: 'degree', aliases: [] },
  { key: 'ep', kind: 'degree', aliases: [] },
  { key: 'epDispatch', kind: 'enum', values: EP_DISPATCHERS, aliases: [] },
  { key: 'epCommOverlap', kind: 'boolean', aliases: [] },
  { key: 'microBatch', kind: 'degree', aliases: ['mb'] },
  { key: 'recompute', kind: 'enum', values: RECOMPUTES, aliases: [] },
  { key: 'sequenceParallel', kind: 'boolean', aliases: ['sp'] },
  { key: 'zeroStage', kind: 'zero', aliases: ['zero', 'z'] },
  { key: 'distributedOptimizer', kind: 'boolean', aliases: [] },
  { key: 'tpCommOverlap', kind: 'boolean', aliases: [] },
  { key: 'schedule', kind: 'enum', values: SCHEDULES, aliases: [] },
];

/** The keys a spec's `parallel` may hold. */
export const PARALLEL_KEYS: readonly string[] = PLAN_FIELDS.map((f) => f.key);

const BY_NAME = new Map<string, PlanField>();
for (const f of PLAN_FIELDS) for (const n of [f.key, ...f.aliases]) BY_NAME.set(n.toLowerCase(), f);

/** A plan text that cannot be read: the message names the token and what was expected. */
export class PlanTextError extends Error {}

export const PLAN_TEXT_EXAMPLE = 'tp=8,pp=16,dp=128 or tp8,pp16,dp128,ep8,epDispatch=deepep,epCommOverlap=true,mb=1,recompute=full,zero=1,schedule=interleaved, or a plan as search prints it ("tp8 pp16/v2 cp1 dp128 mb1 full SP Z1")';

/** The schedule a plan runs when it names none: interleaved with vpp > 1, else 1F1B. */
export function defaultSchedule(vpp: number): ScheduleId {
  return vpp > 1 ? 'interleaved' : '1f1b';
}

/**
 * One line for a plan: `tp8 pp16/v2 cp1 dp128 ep8 DeepEP a2a-overlap mb1 full SP Z1 dualpipe`
 * (the CP exchange only with CP and when the plan names it, `cp-a2a`; EP facts only with EP; `no-tp-overlap` when TP runs without communication overlap; the schedule when it is not the default for its vpp, or always with
 * `schedule: 'always'`). `parsePlanText` reads it back.
 */
export function planLabel(q: ParallelPlan, opts: { schedule?: 'always' | 'non-default' } = {}): string {
  const parts = [`tp${q.tp}`, `pp${q.pp}${q.vpp > 1 ? `/v${q.vpp}` : ''}`, `cp${q.cp}`];
  if (q.cp > 1 && q.cpComm !== undefined) parts.push(`cp-${q.cpComm}`);
  parts.push(`dp${q.dp}`);
  if (q.ep > 1) {
    parts.push(`ep${q.ep}`);
    if (q.epDispatch === 'deepep') parts.push('DeepEP');
    if (q.epCommOverlap) parts.push('a2a-overlap');
  }
  parts.push(`mb${q.microBatch}`, q.recompute);
  if (q.sequenceParallel) parts.push('SP');
  if (q.tp > 1 && !q.tpCommOverlap) parts.push('no-tp-overlap');
  parts.push(`Z${q.zeroStage}`);
  const sched = q.schedule ?? defaultSchedule(q.vpp);
  if (opts.schedule === 'always' || sched !== defaultSchedule(q.vpp)) parts.push(sched);
  return parts.join(' ');
}

/** Bare words a label writes for a field's value. */
const WORDS: Record<string, [PlanKey, unknown]> = {
  deepep: ['epDispatch', 'deepep'],
  alltoall: ['epDispatch', 'alltoall'],
  'a2a-overlap': ['epCommOverlap', true],
  ...Object.fromEntries(CP_COMMS.map((c) => [`cp-${c}`, ['cpComm', c]])),
  sp: ['sequenceParallel', true],
  'no-tp-overlap': ['tpCommOverlap', false],
  ...Object.fromEntries(RECOMPUTES.map((r) => [r, ['recompute', r]])),
  ...Object.fromEntries(SCHEDULES.map((s) => [s, ['schedule', s]])),
};

function setField(plan: Record<string, unknown>, f: PlanField, name: string, value: string): void {
  const v = value.toLowerCase();
  if (f.kind === 'enum') {
    const hit = f.values.find((x) => x.toLowerCase() === v);
    if (!hit) throw new PlanTextError(`${name} must be ${f.values.join(', ')}, not "${value}"`);
    if (f.key === 'schedule') plan['schedules'] = [hit];
    else plan[f.key] = hit;
  } else if (f.kind === 'boolean') {
    if (!['true', 'false', 'on', 'off'].includes(v)) throw new PlanTextError(`${name} must be true or false, not "${value}"`);
    plan[f.key] = v === 'true' || v === 'on';
  } else {
    const n = Number(value);
    const zero = f.kind === 'zero';
    if (!Number.isInteger(n) || n < (zero ? 0 : 1) || (zero && n > 3)) throw new PlanTextError(`${name} must be ${zero ? '0, 1, 2 or 3' : 'a positive integer'}, not "${value}"`);
    plan[f.key] = n;
  }
}

/**
 * A plan from text: `tp=8,pp=16,dp=128[,...]`, `tp8,pp16,...`, or a label as `planLabel`
 * writes it (tokens separated by commas or spaces, names case-insensitive). At least tp, pp
 * and dp; knobs left out stay free (resolved to the fastest that fits).
 */
export function parsePlanText(text: string): PartialPlan {
  const plan: Record<string, unknown> = { tp: 0, pp: 0, dp: 0, cp: 1, ep: 1 };
  for (const part of text.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean)) {
    const word = WORDS[part.toLowerCase()];
    if (word) {
      const [key, value] = word;
      if (key === 'schedule') plan['schedules'] = [value];
      else plan[key] = value;
      continue;
    }
    const pv = /^pp(\d+)\/v(\d+)$/i.exec(part);
    if (pv) {
      plan['pp'] = Number(pv[1]);
      plan['vpp'] = Number(pv[2]);
      continue;
    }
    const m = /^([a-zA-Z]+?)\s*(?:=\s*([\w.+-]+)|(\d+))$/.exec(part);
    const f = m ? BY_NAME.get((m[1] as string).toLowerCase()) : undefined;
    if (!m || !f) throw new PlanTextError(`cannot read "${part}" (expected e.g. ${PLAN_TEXT_EXAMPLE}; fields: ${PLAN_FIELDS.flatMap((x) => [x.key, ...x.aliases]).join(', ')})`);
    setField(plan, f, m[1] as string, (m[2] ?? m[3]) as string);
  }
  if (plan['zeroStage'] !== undefined && plan['distributedOptimizer'] === undefined) plan['distributedOptimizer'] = (plan['zeroStage'] as number) >= 1;
  if (!plan['tp'] || !plan['pp'] || !plan['dp']) throw new PlanTextError(`needs at least tp, pp and dp (e.g. ${PLAN_TEXT_EXAMPLE})`);
  return plan as unknown as PartialPlan;
}
