import type { GpuDelivery } from '../buildout/buildout-input.js';
import { monthlyToDailyDeliveries } from '../buildout/monthly-to-daily-deliveries.js';
import { daysBetween } from '../campaign/calendar.js';
import type { SupplyWhatIf } from '../campaign/supply-what-if.js';
import { checkKeys, closest, describeValue, readNumber, readObject, readString, report, type Path, type ReadContext } from '../core/index.js';
import type { AllocationInput } from '../supply/allocation-input.js';
import { defaultHopperMarket2024 } from '../supply/default-hopper-market.js';
import { compareOrderChange, type OrderChange } from '../supply/order-what-if.js';
import { CAMPAIGN_GPU_IDS } from './campaign-gpus.js';

/** Markets a scenario can name. */
export const MARKETS: Readonly<Record<string, AllocationInput>> = { 'hopper-2024': defaultHopperMarket2024 };

const SUPPLY_KEYS = ['market', 'customer', 'monthZeroDay', 'orderChange', 'note'] as const;
const CHANGE_KEYS = ['customer', 'factor', 'product', 'note'] as const;

export interface SupplyDeliveries {
  deliveries: GpuDelivery[];
  whatIf: SupplyWhatIf;
}

/**
 * `supply: { market, customer, orderChange?: { customer, factor, product? }, monthZeroDay? }`:
 * the customer's deliveries come from allocating the market's monthly supply among all its
 * customers (after the change, if any), spread evenly over each month. Month 0 of the market
 * begins on `monthZeroDay` (default: from `startDate` and the market's start month); deliveries
 * before day 0 arrive on day 0, those after the horizon are dropped.
 */
export function readSupply(
  ctx: ReadContext,
  value: unknown,
  path: Path,
  startDate: string | undefined,
  horizonDays: number,
): SupplyDeliveries | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, SUPPLY_KEYS, path);
  const marketName = readString(ctx, o, 'market', path, true);
  const market = marketName !== undefined ? MARKETS[marketName] : undefined;
  if (marketName !== undefined && !market) {
    report(ctx, [...path, 'market'], 'is not a known market', { expected: `one of ${Object.keys(MARKETS).join(', ')}`, received: JSON.stringify(marketName) });
  }
  const names = market?.customers.map((c) => c.name) ?? [];
  const customerName = (obj: Record<string, unknown>, at: Path): string | undefined => {
    const name = readString(ctx, obj, 'customer', at, true);
    if (name === undefined || !market || names.includes(name)) return name;
    const guess = closest(name, names);
    report(ctx, [...at, 'customer'], `is not a customer of the market${guess ? ` (did you mean "${guess}"?)` : ''}`, {
      expected: `one of ${names.join(', ')}`,
      received: JSON.stringify(name),
    });
    return undefined;
  };
  const customer = customerName(o, path);
  let change: OrderChange | undefined;
  const co = readObject(ctx, o['orderChange'], [...path, 'orderChange'], false);
  if (co) {
    const at = [...path, 'orderChange'];
    checkKeys(ctx, co, CHANGE_KEYS, at);
    const who = customerName(co, at);
    const factor = readNumber(ctx, co, 'factor', at, { required: true, above: 0, max: 1000 });
    const product = readString(ctx, co, 'product', at);
    if (who !== undefined && factor !== undefined) change = product !== undefined ? { customer: who, factor, product } : { customer: who, factor };
  }
  let monthZeroDay = readNumber(ctx, o, 'monthZeroDay', path, { integer: true, min: -3650, max: 3650 });
  if (monthZeroDay === undefined && market) {
    if (startDate === undefined || market.startMonth === undefined) {
      report(ctx, [...path, 'monthZeroDay'], 'is required without startDate', { expected: 'the day (from day 0) on which the market\'s month 0 begins' });
    } else monthZeroDay = daysBetween(startDate, market.startMonth);
  }
  if (!market || customer === undefined || monthZeroDay === undefined || (co && !change)) return undefined;

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
      market: marketName ?? '',
      customer,
      policy: market.policy,
      monthZeroDay,
      changes: change ? [change] : [],
      rows: whatIf.rows,
      unitsDelivered,
    },
  };
}
