import { describeValue, InputError, type Issue } from '../core/issue.js';
import type { BuildoutInput } from './buildout-input.js';

const isWhole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Throws `InputError` (with field paths) if the build-out input is inconsistent. */
export function validateBuildoutInput(input: BuildoutInput): void {
  const issues: Issue[] = [];
  const bad = (path: string, message: string, expected: string, value: unknown): void => {
    issues.push({ path, message, expected, received: describeValue(value) });
  };
  input.deliveries.forEach((d, i) => {
    if (!isWhole(d.day)) bad(`deliveries[${i}].day`, 'delivery day must be a whole day', 'an integer ≥ 0', d.day);
    if (typeof d.gpuType !== 'string' || d.gpuType === '') {
      bad(`deliveries[${i}].gpuType`, 'GPU type missing', 'a catalog GPU id', d.gpuType);
    }
    if (!isWhole(d.gpus)) bad(`deliveries[${i}].gpus`, 'GPUs must be whole units', 'an integer ≥ 0', d.gpus);
  });
  if (!isWhole(input.horizonDays)) bad('horizonDays', 'horizon must be whole days', 'an integer ≥ 0', input.horizonDays);
  for (const field of ['gpusPerServer', 'serversPerRack', 'racksPerArray'] as const) {
    if (!isWhole(input[field]) || input[field] === 0) bad(field, 'must be a positive whole number', 'an integer ≥ 1', input[field]);
  }
  for (const field of ['networkBringUpDays', 'burnInDays', 'replacementDays', 'partialCloseAfterIdleDays'] as const) {
    if (!isWhole(input[field])) bad(field, 'must be whole days', 'an integer ≥ 0', input[field]);
  }
  if (!(input.infantMortalityFraction >= 0 && input.infantMortalityFraction < 1)) {
    bad('infantMortalityFraction', 'must be a fraction', 'a number in [0, 1)', input.infantMortalityFraction);
  }
  let previous = -1;
  input.installPhases.forEach((p, i) => {
    if (!isWhole(p.startDay) || p.startDay <= previous) {
      bad(`installPhases[${i}].startDay`, 'phases must start on increasing whole days', `an integer > ${previous}`, p.startDay);
    }
    previous = p.startDay;
    if (!isNonNegative(p.racksPerDay)) bad(`installPhases[${i}].racksPerDay`, 'rate must be non-negative', 'a number ≥ 0', p.racksPerDay);
  });
  previous = -1;
  input.powerPhases.forEach((p, i) => {
    if (!isWhole(p.startDay) || p.startDay <= previous) {
      bad(`powerPhases[${i}].startDay`, 'phases must start on increasing whole days', `an integer > ${previous}`, p.startDay);
    }
    previous = p.startDay;
    for (const field of ['gridMw', 'batteryMw', 'batteryMwh', 'generationMw'] as const) {
      const value = p[field];
      if (value !== undefined && !isNonNegative(value)) bad(`powerPhases[${i}].${field}`, 'power must be non-negative', 'a number ≥ 0', value);
    }
  });
  if (input.powerPhases.length > 0) {
    const types = new Set(input.deliveries.map((d) => d.gpuType));
    for (const type of types) {
      const watts = input.facilityWattsPerGpu[type];
      if (watts === undefined || !(watts > 0)) {
        bad(`facilityWattsPerGpu.${type}`, 'power is limited, so every delivered GPU type needs its watts', 'a number > 0', watts);
      }
    }
  }
  if (issues.length > 0) throw new InputError(issues);
}
