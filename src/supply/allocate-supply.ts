import { defaultCustomerPriority, type AllocationInput, type SupplyOrder } from './allocation-input.js';
import type { AllocationResult, CustomerDeliveries, OrderDelivery, ProductLedger } from './allocation-result.js';
import { monthLabel } from './month-label.js';
import { splitProRata } from './split-pro-rata.js';
import { validateAllocationInput } from './validate-allocation-input.js';

interface OpenOrder {
  customerIndex: number;
  orderIndex: number;
  order: SupplyOrder;
  priority: number;
  earliestMonth: number;
  remaining: number;
  delivery: OrderDelivery;
}

/** Share `available` units among `open` orders (all of one product, all eligible) by policy. */
function grant(policy: AllocationInput['policy'], available: number, open: readonly OpenOrder[]): number[] {
  if (policy === 'pro-rata') return splitProRata(available, open.map((o) => o.remaining));
  const grants = open.map(() => 0);
  if (policy === 'fcfs') {
    const queue = open
      .map((o, i) => ({ o, i }))
      .sort(
        (a, b) =>
          a.o.order.orderedMonth - b.o.order.orderedMonth ||
          a.o.customerIndex - b.o.customerIndex ||
          a.o.orderIndex - b.o.orderIndex,
      );
    let left = available;
    for (const { o, i } of queue) {
      const units = Math.min(left, o.remaining);
      grants[i] = units;
      left -= units;
      if (left === 0) break;
    }
    return grants;
  }
  // priority: tiers by ascending priority number, pro-rata within a tier.
  const tiers = [...new Set(open.map((o) => o.priority))].sort((a, b) => a - b);
  let left = available;
  for (const tier of tiers) {
    const members = open.map((o, i) => ({ o, i })).filter(({ o }) => o.priority === tier);
    const shares = splitProRata(
      left,
      members.map(({ o }) => o.remaining),
    );
    members.forEach(({ i }, k) => {
      const units = shares[k] ?? 0;
      grants[i] = units;
      left -= units;
    });
    if (left === 0) break;
  }
  return grants;
}

/**
 * Allocate each month's supply of each product among the customers' open orders with the
 * input's policy. Pure and deterministic. Conserves units: no month ships more than its supply
 * (plus carried-over inventory), no order receives more than it ordered, and no order ships
 * before its `earliestMonth`. Throws `InputError` for invalid input.
 */
export function allocateSupply(input: AllocationInput): AllocationResult {
  validateAllocationInput(input);
  const horizonMonths = input.horizonMonths ?? Math.max(1, ...input.supply.map((s) => s.unitsPerMonth.length));
  const carryOver = input.carryOverUnused ?? true;
  const zeros = (): number[] => new Array<number>(horizonMonths).fill(0);

  const open: OpenOrder[] = [];
  const customers: CustomerDeliveries[] = input.customers.map((c, customerIndex) => {
    const orders = c.orders.map((order, orderIndex) => {
      const delivery: OrderDelivery = {
        customer: c.name,
        orderIndex,
        product: order.product,
        unitsOrdered: order.units,
        unitsPerMonth: zeros(),
        unitsDelivered: 0,
        unitsShort: order.units,
        firstMonth: null,
        completionMonth: null,
      };
      open.push({
        customerIndex,
        orderIndex,
        order,
        priority: c.priority ?? defaultCustomerPriority,
        earliestMonth: order.earliestMonth ?? Math.max(0, Math.ceil(order.orderedMonth)),
        remaining: order.units,
        delivery,
      });
      return delivery;
    });
    return {
      customer: c.name,
      unitsPerMonthByProduct: Object.fromEntries(input.supply.map((s) => [s.product, zeros()])),
      unitsOrdered: orders.reduce((sum, o) => sum + o.unitsOrdered, 0),
      unitsDelivered: 0,
      completionMonth: null,
      orders,
    };
  });

  const products: ProductLedger[] = input.supply.map((s) => {
    const ledger: ProductLedger = {
      product: s.product,
      suppliedPerMonth: zeros().map((_, m) => s.unitsPerMonth[m] ?? 0),
      allocatedPerMonth: zeros(),
      unallocatedPerMonth: zeros(),
    };
    let inventory = 0;
    for (let m = 0; m < horizonMonths; m++) {
      const available = (ledger.suppliedPerMonth[m] ?? 0) + inventory;
      const eligible = open.filter((o) => o.order.product === s.product && o.remaining > 0 && o.earliestMonth <= m);
      const grants = grant(input.policy, available, eligible);
      let allocated = 0;
      eligible.forEach((o, i) => {
        const units = grants[i] ?? 0;
        if (units === 0) return;
        allocated += units;
        o.remaining -= units;
        const d = o.delivery;
        d.unitsPerMonth[m] = units;
        d.unitsDelivered += units;
        d.unitsShort = o.remaining;
        d.firstMonth ??= m;
        if (o.remaining === 0) d.completionMonth = m;
        const perMonth = customers[o.customerIndex]?.unitsPerMonthByProduct[s.product];
        if (perMonth) perMonth[m] = (perMonth[m] ?? 0) + units;
      });
      ledger.allocatedPerMonth[m] = allocated;
      ledger.unallocatedPerMonth[m] = available - allocated;
      inventory = carryOver ? available - allocated : 0;
    }
    return ledger;
  });

  for (const c of customers) {
    c.unitsDelivered = c.orders.reduce((sum, o) => sum + o.unitsDelivered, 0);
    const complete = c.orders.length > 0 && c.orders.every((o) => o.completionMonth !== null);
    c.completionMonth = complete ? Math.max(0, ...c.orders.map((o) => o.completionMonth ?? 0)) : null;
    if (input.startMonth !== undefined) {
      for (const o of c.orders) {
        if (o.completionMonth !== null) o.completionDate = monthLabel(input.startMonth, o.completionMonth);
      }
      if (c.completionMonth !== null) c.completionDate = monthLabel(input.startMonth, c.completionMonth);
    }
  }
  return { policy: input.policy, horizonMonths, customers, products };
}
