import type { OrderChange, WhatIfRow } from '../supply/order-what-if.js';

/**
 * The supply market behind a scenario's deliveries: whose deliveries the campaign builds with,
 * what changed in the market, and every customer's completion month before and after.
 */
export interface SupplyWhatIf {
  market: string;
  customer: string;
  policy: string;
  /** Day (from day 0) on which the market's month 0 begins (negative: before day 0). */
  monthZeroDay: number;
  changes: OrderChange[];
  /** One row per customer: completion month without and with the changes. */
  rows: WhatIfRow[];
  /** The customer's GPUs delivered in the market horizon, by type. */
  unitsDelivered: Record<string, number>;
}
