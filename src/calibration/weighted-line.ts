/** A straight line y = intercept + slope·x. */
export interface Line {
  intercept: number;
  slope: number;
}

/**
 * Weighted least-squares line through points (x, y, weight). Undefined when the x values do
 * not vary (a slope cannot be told apart from the intercept) or the weights sum to zero.
 */
export function weightedLine(points: readonly { x: number; y: number; w: number }[]): Line | undefined {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sw += p.w;
    sx += p.w * p.x;
    sy += p.w * p.y;
  }
  if (!(sw > 0)) return undefined;
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += p.w * (p.x - mx) * (p.x - mx);
    sxy += p.w * (p.x - mx) * (p.y - my);
  }
  if (!(sxx > 1e-12 * Math.max(1, mx * mx) * sw)) return undefined;
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope };
}
