import { planLabel } from '../spec/plan-codec.js';
import type { ParallelPlan } from '../spec/types.js';
/** Number formatting shared by the terminal summary and the HTML report. */

export const int = (x: number): string => Math.round(x).toLocaleString('en-US');

export const fixed = (x: number, digits = 1): string =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;

/** Dollars in the most readable unit: $1.23B, $45.6M, $789k, $12. */
export function usd(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e9) return `$${(x / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `$${(x / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `$${(x / 1e3).toFixed(0)}k`;
  return `$${x.toFixed(2)}`;
}

/** Tokens in trillions or billions. */
export function tokens(x: number): string {
  return x >= 1e12 ? `${(x / 1e12).toFixed(1)}T` : `${(x / 1e9).toFixed(1)}B`;
}

/** MWh as GWh when large. */
export function energy(mwh: number): string {
  return mwh >= 1000 ? `${fixed(mwh / 1000, 1)} GWh` : `${fixed(mwh, 0)} MWh`;
}

/** A plan in one line, as every command labels it (the plan codec): `tp8 pp32/v4 cp1 dp768 ep8 mb1 full SP Z1`. */
export function planText(p: ParallelPlan): string {
  return planLabel(p);
}
