/**
 * One step of a capacity timeline: from `day` until the next point's day, `gpusOnline[type]`
 * GPUs are online. Day 0 is the scenario's start. Produced by the build-out.
 */
export interface CapacityPoint {
  day: number;
  gpusOnline: Readonly<Record<string, number>>;
  /** Power utilisation of the online GPUs during this step (0–1); default: the input's. */
  utilisation?: number;
}
