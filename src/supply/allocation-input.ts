/**
 * Inputs of the supply allocator: what a vendor can ship each month, and who ordered what.
 * Month indices count from the first month of the horizon (index 0); a scenario may name it
 * with `startMonth` ('YYYY-MM') so that results also carry calendar months.
 */

/** How a month's supply of one product is shared among the eligible open orders. */
export type AllocationPolicy = 'pro-rata' | 'fcfs' | 'priority';

export const allocationPolicies: readonly AllocationPolicy[] = ['pro-rata', 'fcfs', 'priority'];

export interface ProductSupply {
  /** Product id, e.g. `h100-sxm`, `h200-sxm`, `b200` (the catalog's GPU ids). */
  product: string;
  /** Units the vendor ships in each month; index 0 is the first month. Non-negative integers. */
  unitsPerMonth: readonly number[];
}

export interface SupplyOrder {
  product: string;
  /** Units ordered; a positive integer. */
  units: number;
  /**
   * Month index at which the order was placed (may be negative or fractional: placed before the
   * horizon, or mid-month). Orders placed earlier are served first under `fcfs`.
   */
  orderedMonth: number;
  /** First month index in which units may ship. Default: `max(0, ceil(orderedMonth))`. */
  earliestMonth?: number;
}

export interface SupplyCustomer {
  /** Unique name, e.g. `xAI`. */
  name: string;
  /**
   * Under the `priority` policy, customers with a smaller number are served first (1 = top);
   * customers of equal priority share pro-rata. Default: 100.
   */
  priority?: number;
  orders: readonly SupplyOrder[];
}

export interface AllocationInput {
  policy: AllocationPolicy;
  supply: readonly ProductSupply[];
  customers: readonly SupplyCustomer[];
  /** Months to allocate. Default: the longest `unitsPerMonth` list (shorter lists ship 0 after). */
  horizonMonths?: number;
  /** Units nobody could take roll into the next month (vendor inventory). Default: true. */
  carryOverUnused?: boolean;
  /** Calendar month of index 0, `YYYY-MM`, to date the results. Optional. */
  startMonth?: string;
}

export const defaultCustomerPriority = 100;
