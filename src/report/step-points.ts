/** A point of a chart series: [day, value]. */
export type Point = [number, number];

/**
 * A step series (each value holds until the next point) cut at `endDay`: the points after it are
 * dropped and the value in force is drawn on to `endDay`, so the line ends where the axis ends.
 */
export function stepsUntil(points: readonly Point[], endDay: number): Point[] {
  const out = points.filter(([d]) => d <= endDay);
  const last = out.at(-1);
  if (last && last[0] < endDay) out.push([endDay, last[1]]);
  return out;
}

/**
 * A sampled curve (progress) cut at `endDay`: later points dropped, and when the curve goes on past
 * `endDay` a point at `endDay` interpolated between its neighbours. It never runs flat past its end.
 */
export function curveUntil(points: readonly Point[], endDay: number): Point[] {
  const out = points.filter(([d]) => d <= endDay);
  const last = out.at(-1);
  const next = points.find(([d]) => d > endDay);
  if (last && next && last[0] < endDay) {
    const f = (endDay - last[0]) / (next[0] - last[0]);
    out.push([endDay, last[1] + f * (next[1] - last[1])]);
  }
  return out;
}
