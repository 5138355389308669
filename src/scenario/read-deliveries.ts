import { evenDeliveries } from '../buildout/even-deliveries.js';
import type { GpuDelivery } from '../buildout/buildout-input.js';
import { checkKeys, describeValue, isRecord, readNumber, readString, report, suggestId, type Path, type ReadContext } from '../core/index.js';
import { CAMPAIGN_GPU_IDS } from './campaign-gpus.js';

const DELIVERY_KEYS = ['gpu', 'gpus', 'day', 'fromDay', 'toDay', 'note'] as const;

/**
 * `deliveries: [{ gpu, gpus, day }]` or `[{ gpu, gpus, fromDay, toDay }]` (spread evenly over the
 * days, inclusive). Days count from day 0 and fall within the horizon.
 */
export function readDeliveries(ctx: ReadContext, value: unknown, path: Path, horizonDays: number | undefined): GpuDelivery[] {
  if (!Array.isArray(value) || value.length === 0) {
    report(ctx, path, Array.isArray(value) ? 'is empty' : 'has the wrong type', {
      expected: 'a list of { gpu, gpus, day } or { gpu, gpus, fromDay, toDay }',
      received: describeValue(value),
    });
    return [];
  }
  const out: GpuDelivery[] = [];
  const maxDay = horizonDays ?? Number.MAX_SAFE_INTEGER;
  value.forEach((item: unknown, i) => {
    const at = [...path, i];
    if (!isRecord(item)) {
      report(ctx, at, 'has the wrong type', { expected: 'an object { gpu, gpus, day | fromDay, toDay }', received: describeValue(item) });
      return;
    }
    checkKeys(ctx, item, DELIVERY_KEYS, at);
    const gpu = readString(ctx, item, 'gpu', at, true);
    if (gpu !== undefined && !CAMPAIGN_GPU_IDS.includes(gpu)) {
      const guess = suggestId(gpu, CAMPAIGN_GPU_IDS);
      report(ctx, [...at, 'gpu'], `is not a GPU the campaign can price and power${guess ? ` (did you mean ${guess}?)` : ''}`, {
        expected: `one of ${CAMPAIGN_GPU_IDS.join(', ')}`,
        received: describeValue(gpu),
      });
    }
    const gpus = readNumber(ctx, item, 'gpus', at, { required: true, integer: true, min: 1, max: 100_000_000 });
    const hasDay = item['day'] !== undefined;
    const hasRange = item['fromDay'] !== undefined || item['toDay'] !== undefined;
    if (hasDay === hasRange) {
      report(ctx, hasDay ? [...at, 'fromDay'] : at, hasDay ? 'conflicts with day' : 'needs a delivery day', {
        expected: 'either day, or fromDay and toDay',
      });
      return;
    }
    const rule = { integer: true, min: 0, max: maxDay, required: true };
    const fromDay = readNumber(ctx, item, hasDay ? 'day' : 'fromDay', at, rule);
    const toDay = hasDay ? fromDay : readNumber(ctx, item, 'toDay', at, rule);
    if (fromDay !== undefined && toDay !== undefined && toDay < fromDay) {
      report(ctx, [...at, 'toDay'], 'is before fromDay', { expected: `an integer >= ${fromDay}`, received: String(toDay) });
      return;
    }
    if (gpu === undefined || gpus === undefined || fromDay === undefined || toDay === undefined) return;
    out.push(...evenDeliveries(gpu, gpus, fromDay, toDay));
  });
  return out;
}
