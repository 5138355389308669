import { describeValue, InputError, type Issue } from '../core/issue.js';
import type { CapacityPoint } from './capacity-point.js';
import { defaultPowerProfiles, defaultPowerUtilisation, type GpuPowerProfile } from './power-profile.js';
import { facilityWattsPerGpu, itWattsPerGpu } from './watts-per-gpu.js';

export interface EnergyInput {
  /** Capacity steps, days strictly increasing; each holds until the next (the last until `endDay`). */
  timeline: readonly CapacityPoint[];
  /** Day the last step ends (e.g. the campaign's end). ≥ the last point's day. */
  endDay: number;
  /** Power profiles by GPU type. Default: `defaultPowerProfiles`. */
  profiles?: Readonly<Record<string, GpuPowerProfile>>;
  /** Power utilisation of online GPUs (0–1) where a point does not set its own. Default 0.85 (assumption). */
  utilisation?: number;
}

export interface EnergyInterval {
  fromDay: number;
  toDay: number;
  /** Facility power (IT × PUE) during the step, MW. */
  powerMw: number;
  itPowerMw: number;
  /** Facility energy over the step, MWh. */
  energyMwh: number;
}

export interface EnergyResult {
  intervals: EnergyInterval[];
  /** Facility energy, MWh. */
  energyMwh: number;
  itEnergyMwh: number;
  /** Highest facility power of any step, MW. */
  peakMw: number;
  /** `energyMwh` over the whole span, MW (0 for an empty span). */
  averageMw: number;
  /** GPU-hours online, by type. */
  gpuHoursByType: Record<string, number>;
}

function validate(input: EnergyInput, profiles: Readonly<Record<string, GpuPowerProfile>>): void {
  const issues: Issue[] = [];
  const bad = (path: string, message: string, expected: string, value: unknown): void => {
    issues.push({ path, message, expected, received: describeValue(value) });
  };
  let previousDay = -Infinity;
  input.timeline.forEach((point, i) => {
    if (!Number.isFinite(point.day) || point.day <= previousDay) {
      bad(`timeline[${i}].day`, 'days must increase', `a number > ${previousDay}`, point.day);
    }
    previousDay = point.day;
    for (const [type, gpus] of Object.entries(point.gpusOnline)) {
      if (!profiles[type]) {
        bad(`timeline[${i}].gpusOnline.${type}`, 'no power profile for this GPU type', Object.keys(profiles).join(' | '), type);
      }
      if (!Number.isFinite(gpus) || gpus < 0) {
        bad(`timeline[${i}].gpusOnline.${type}`, 'GPU count must be non-negative', 'a number ≥ 0', gpus);
      }
    }
    if (point.utilisation !== undefined && !(point.utilisation >= 0 && point.utilisation <= 1)) {
      bad(`timeline[${i}].utilisation`, 'utilisation is a fraction', 'a number in [0, 1]', point.utilisation);
    }
  });
  if (!Number.isFinite(input.endDay) || input.endDay < previousDay) {
    bad('endDay', 'the timeline must end after its last step starts', `a number ≥ ${previousDay}`, input.endDay);
  }
  if (input.utilisation !== undefined && !(input.utilisation >= 0 && input.utilisation <= 1)) {
    bad('utilisation', 'utilisation is a fraction', 'a number in [0, 1]', input.utilisation);
  }
  if (issues.length > 0) throw new InputError(issues);
}

/** Facility and IT power and energy over a capacity timeline. Pure. */
export function energyOverTimeline(input: EnergyInput): EnergyResult {
  const profiles = input.profiles ?? defaultPowerProfiles;
  validate(input, profiles);
  const intervals: EnergyInterval[] = [];
  const gpuHoursByType: Record<string, number> = {};
  let energyMwh = 0;
  let itEnergyMwh = 0;
  let peakMw = 0;
  input.timeline.forEach((point, i) => {
    const toDay = input.timeline[i + 1]?.day ?? input.endDay;
    const hours = (toDay - point.day) * 24;
    const utilisation = point.utilisation ?? input.utilisation ?? defaultPowerUtilisation;
    let itW = 0;
    let facilityW = 0;
    for (const [type, gpus] of Object.entries(point.gpusOnline)) {
      const profile = profiles[type];
      if (!profile) continue;
      itW += gpus * itWattsPerGpu(profile, utilisation);
      facilityW += gpus * facilityWattsPerGpu(profile, utilisation);
      gpuHoursByType[type] = (gpuHoursByType[type] ?? 0) + gpus * hours;
    }
    const interval: EnergyInterval = {
      fromDay: point.day,
      toDay,
      powerMw: facilityW / 1e6,
      itPowerMw: itW / 1e6,
      energyMwh: (facilityW / 1e6) * hours,
    };
    intervals.push(interval);
    energyMwh += interval.energyMwh;
    itEnergyMwh += interval.itPowerMw * hours;
    peakMw = Math.max(peakMw, interval.powerMw);
  });
  const spanHours = input.timeline.length > 0 ? (input.endDay - (input.timeline[0]?.day ?? 0)) * 24 : 0;
  return {
    intervals,
    energyMwh,
    itEnergyMwh,
    peakMw,
    averageMw: spanHours > 0 ? energyMwh / spanHours : 0,
    gpuHoursByType,
  };
}
