import type { BuildoutResult } from '../buildout/buildout-result.js';
import { dayWhenOnline } from '../buildout/day-when-online.js';
import { dateOfDay } from './calendar.js';
import type { Milestone } from './campaign-result.js';

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * The campaign's milestones, in day order: first delivery, rack and GPUs online; every 50,000 GPUs
 * of a type and every 100,000 in total; everything delivered online; training start and the model.
 */
export function campaignMilestones(
  buildout: BuildoutResult,
  training: { startDay: number | null; doneDay: number | null },
  startDate?: string,
): Milestone[] {
  const out: Milestone[] = [];
  const add = (kind: string, label: string, day: number | null): void => {
    if (day !== null) out.push({ kind, label, day });
  };
  const m = buildout.milestones;
  add('first-delivery', 'first GPUs delivered', m.firstDeliveryDay);
  add('first-rack', 'first rack installed', m.firstRackInstalledDay);
  add('first-online', 'first GPUs online', m.firstGpusOnlineDay);
  const last = buildout.days[buildout.days.length - 1];
  for (const type of buildout.gpuTypes) {
    const peak = Math.max(0, ...buildout.days.map((d) => d.gpusOnline[type] ?? 0));
    for (let n = 50_000; n <= peak; n += 50_000) add(`online-${type}-${n}`, `${fmt(n)} ${type} online`, dayWhenOnline(buildout, n, type));
  }
  const peakTotal = Math.max(0, ...buildout.days.map((d) => d.gpusOnlineTotal));
  if (buildout.gpuTypes.length > 1) {
    for (let n = 100_000; n <= peakTotal; n += 100_000) add(`online-total-${n}`, `${fmt(n)} GPUs online`, dayWhenOnline(buildout, n));
  }
  add('all-online', `all ${fmt(last ? Object.values(last.gpusDelivered).reduce((a, b) => a + b, 0) : 0)} delivered GPUs online`, m.allDeliveredOnlineDay);
  add('training-start', 'training starts', training.startDay);
  add('model-done', 'model trained on its token budget', training.doneDay);
  out.sort((a, b) => a.day - b.day);
  if (startDate !== undefined) for (const x of out) x.date = dateOfDay(startDate, x.day);
  return out;
}
