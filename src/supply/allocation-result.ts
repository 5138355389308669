import type { AllocationPolicy } from './allocation-input.js';

/** What one order received, month by month. */
export interface OrderDelivery {
  customer: string;
  /** Index of the order in the customer's `orders`. */
  orderIndex: number;
  product: string;
  unitsOrdered: number;
  /** Units shipped in each month of the horizon. */
  unitsPerMonth: number[];
  unitsDelivered: number;
  /** `unitsOrdered - unitsDelivered`: still owed at the end of the horizon. */
  unitsShort: number;
  /** Month of the first shipment, or null if nothing shipped. */
  firstMonth: number | null;
  /** Month in which the last unit shipped, or null if the order is not complete in the horizon. */
  completionMonth: number | null;
  /** `completionMonth` as `YYYY-MM`, when the input named `startMonth`. */
  completionDate?: string;
}

/** One customer's deliveries, all orders together. */
export interface CustomerDeliveries {
  customer: string;
  /** Units shipped per month, by product. Every product in the supply has an entry. */
  unitsPerMonthByProduct: Record<string, number[]>;
  unitsOrdered: number;
  unitsDelivered: number;
  /** Month in which the customer's last order completed, or null if any order is incomplete. */
  completionMonth: number | null;
  completionDate?: string;
  orders: OrderDelivery[];
}

/** Per product: what was supplied, allocated, and left in the vendor's inventory each month. */
export interface ProductLedger {
  product: string;
  suppliedPerMonth: number[];
  allocatedPerMonth: number[];
  /** Units left at the end of each month (carried over, or lost when `carryOverUnused` is false). */
  unallocatedPerMonth: number[];
}

export interface AllocationResult {
  policy: AllocationPolicy;
  horizonMonths: number;
  /** In the input's customer order. */
  customers: CustomerDeliveries[];
  products: ProductLedger[];
}
