import type { BuildoutResult } from './buildout-result.js';

/** One step of capacity: from `day` until the next step, `gpusOnline[type]` GPUs are online. */
export interface CapacityStep {
  day: number;
  gpusOnline: Record<string, number>;
}

/**
 * The build-out's online capacity as steps: day 0 and every day on which some type's count
 * changes. This is the `timeline` of the `colossus run` JSON and the input of the energy model.
 */
export function capacityTimeline(result: BuildoutResult): CapacityStep[] {
  const steps: CapacityStep[] = [];
  let previous: Record<string, number> | undefined;
  for (const d of result.days) {
    const changed =
      previous === undefined || result.gpuTypes.some((t) => (d.gpusOnline[t] ?? 0) !== (previous?.[t] ?? 0));
    if (changed) steps.push({ day: d.day, gpusOnline: { ...d.gpusOnline } });
    previous = d.gpusOnline;
  }
  return steps;
}
