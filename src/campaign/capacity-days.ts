import type { BuildoutDay } from '../buildout/buildout-result.js';
import type { CapacityDay } from './job-schedule.js';
import { slowestGpu } from './slowest-gpu.js';

/**
 * What one job can plan on, day by day: the online GPUs of its types less the hot spares, planned
 * as the slowest type online. For a mixed-fleet job (`mixed`, two or more types online) the plan is
 * named by the types joined with `+` (sorted) and the planner also sees each type's usable GPUs;
 * the spares come out of the slowest type.
 */
export function capacityDays(days: readonly BuildoutDay[], types: readonly string[], spareGpus: number, mixed: boolean): CapacityDay[] {
  return days.map((d) => {
    const online = types.filter((g) => (d.gpusOnline[g] ?? 0) > 0);
    const gpus = types.reduce((s, g) => s + (d.gpusOnline[g] ?? 0), 0) - spareGpus;
    const slowest = slowestGpu(online);
    if (!mixed || online.length < 2 || slowest === undefined) return { day: d.day, gpus, gpu: slowest };
    const byType: Record<string, number> = {};
    for (const g of online) byType[g] = (d.gpusOnline[g] ?? 0) - (g === slowest ? spareGpus : 0);
    return { day: d.day, gpus, gpu: [...online].sort().join('+'), byType };
  });
}
