import { evenDeliveries } from '../buildout/even-deliveries.js';
import type { GpuDelivery } from '../buildout/buildout-input.js';
import { isRecord, report, type Path, type ReadContext } from '../core/index.js';
import { parsed, ruleText } from '../core/schema.js';
import { deliverySchema } from './campaign-scenario-schema.js';

/**
 * `deliveries: [{ gpu, gpus, day }]` or `[{ gpu, gpus, fromDay, toDay }]` (spread evenly over the
 * days, inclusive). The schema checks each field; here: a day or a range (not both), the range in
 * order. Items with issues of their own are left out (the schema reported them).
 */
export function readDeliveries(ctx: ReadContext, value: unknown, path: Path, horizonDays: number | undefined): GpuDelivery[] {
  if (!Array.isArray(value)) return [];
  const out: GpuDelivery[] = [];
  const maxDay = horizonDays ?? Number.MAX_SAFE_INTEGER;
  const schema = deliverySchema(maxDay);
  const present = (item: Record<string, unknown>, key: string) => item[key] !== undefined && item[key] !== null;
  value.forEach((item: unknown, i) => {
    if (!isRecord(item)) return;
    const at = [...path, i];
    const hasDay = present(item, 'day');
    const hasRange = present(item, 'fromDay') || present(item, 'toDay');
    if (hasDay === hasRange) {
      report(ctx, hasDay ? [...at, 'fromDay'] : at, hasDay ? 'conflicts with day' : 'needs a delivery day', { expected: 'either day, or fromDay and toDay' });
      return;
    }
    for (const key of hasRange ? ['fromDay', 'toDay'] : []) {
      if (!present(item, key)) report(ctx, [...at, key], 'is required', { expected: ruleText({ integer: true, min: 0, max: maxDay }) });
    }
    const d = parsed(schema, item);
    if (!d) return;
    const fromDay = d.day ?? d.fromDay;
    const toDay = d.day ?? d.toDay;
    if (fromDay === undefined || toDay === undefined) return;
    if (toDay < fromDay) {
      report(ctx, [...at, 'toDay'], 'is before fromDay', { expected: `an integer >= ${fromDay}`, received: String(toDay) });
      return;
    }
    out.push(...evenDeliveries(d.gpu, d.gpus, fromDay, toDay));
  });
  return out;
}
