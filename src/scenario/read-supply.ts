import type { GpuDelivery } from '../buildout/buildout-input.js';
import { monthlyToDailyDeliveries } from '../buildout/monthly-to-daily-deliveries.js';
import { daysBetween } from '../campaign/calendar.js';
import type { SupplyWhatIf } from '../campaign/supply-what-if.js';
import { closest, describeValue, report, type Path, type ReadContext } from '../core/index.js';
import type * as v from 'valibot';
import { compareOrderChange, type OrderChange } from '../supply/order-what-if.js';
import { CAMPAIGN_GPU_IDS } from './campaign-gpus.js';
import { MARKETS, type SupplySchema } from './campaign-scenario-schema.js';

export { MARKETS } from './campaign-scenario-schema.js';

export interface SupplyDeliveries {
  deliveries: GpuDelivery[];
  whatIf: SupplyWhatIf;
}

/**
 * `supply: { market, customer, orderChange?: { customer, factor, product? }, monthZeroDay? }`
 * (fields checked by the schema): the customer's deliveries come from allocating the market's
 * monthly supply among all its customers (after the change, if any), spread evenly over each
 * month. Month 0 of the market begins on `monthZeroDay` (default: from `startDate` and the
 * market's start month); deliveries before day 0 arrive on day 0, those after the horizon are dropped.
 */
export function readSupply(
  ctx: ReadContext,
  o: v.InferOutput<typeof SupplySchema>,
  path: Path,
  startDate: string | undefined,
  horizonDays: number,
): SupplyDeliveries | undefined {
  const marketName = o.market;
  const market = MARKETS[marketName];
  if (!market) return undefined;
  const names = market.customers.map((c) => c.name);
  const customerName = (name: string, at: Path): string | undefined => {
    if (names.includes(name)) return name;
    const guess = closest(name, names);
    report(ctx, [...at, 'customer'], `is not a customer of the market${guess ? ` (did you mean "${guess}"?)` : ''}`, {
      expected: `one of ${names.join(', ')}`,
      received: JSON.stringify(name),
    });
    return undefined;
  };
  const customer = customerName(o.customer, path);
  let change: OrderChange | undefined;
  const co = o.orderChange;
  if (co) {
    const who = customerName(co.customer, [...path, 'orderChange']);
    if (who !== undefined) change = co.product !== undefined ? { customer: who, factor: co.factor, product: co.product } : { customer: who, factor: co.factor };
  }
  let monthZeroDay = o.monthZeroDay;
  if (monthZeroDay === undefined) {
    if (startDate === undefined || market.startMonth === undefined) {
      report(ctx, [...path, 'monthZeroDay'], 'is required without startDate', { expected: 'the day (from day 0) on which the market\'s month 0 begins' });
    } else monthZeroDay = daysBetween(startDate, market.startMonth);
  }
  if (customer === undefined || monthZeroDay === undefined || (co && !change)) return undefined;

  // The identity change (factor 1 on the customer itself) gives the same side-by-side rows without a change.
  const whatIf = compareOrderChange(market, change ?? { customer, factor: 1 });
  const mine = whatIf.scenario.customers.find((c) => c.customer === customer);
  if (!mine) return undefined;
  const perMonth: Record<string, number[]> = {};
  for (const [product, units] of Object.entries(mine.unitsPerMonthByProduct)) {
    if (!units.some((u) => u > 0)) continue;
    if (!CAMPAIGN_GPU_IDS.includes(product)) {
      report(ctx, [...path, 'market'], `delivers ${product}, which the campaign cannot price and power`, { expected: CAMPAIGN_GPU_IDS.join(', '), received: describeValue(product) });
      continue;
    }
    perMonth[product] = units;
  }
  const merged = new Map<string, GpuDelivery>();
  for (const d of monthlyToDailyDeliveries(perMonth, { startDay: monthZeroDay })) {
    const day = Math.max(0, d.day);
    if (day > horizonDays) continue;
    const key = `${day}:${d.gpuType}`;
    const prev = merged.get(key);
    if (prev) prev.gpus += d.gpus;
    else merged.set(key, { day, gpuType: d.gpuType, gpus: d.gpus });
  }
  const deliveries = [...merged.values()].sort((a, b) => a.day - b.day || a.gpuType.localeCompare(b.gpuType));
  if (deliveries.length === 0) report(ctx, [...path, 'customer'], 'receives no GPUs within the horizon', { received: customer });
  const unitsDelivered: Record<string, number> = {};
  for (const d of deliveries) unitsDelivered[d.gpuType] = (unitsDelivered[d.gpuType] ?? 0) + d.gpus;
  return {
    deliveries,
    whatIf: {
      market: marketName,
      customer,
      policy: market.policy,
      monthZeroDay,
      changes: change ? [change] : [],
      rows: whatIf.rows,
      unitsDelivered,
    },
  };
}
