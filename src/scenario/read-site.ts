import type { BuildoutInput, InstallPhase, PowerPhase } from '../buildout/buildout-input.js';
import { checkKeys, describeValue, isRecord, readNumber, readObject, readString, report, type Path, type ReadContext } from '../core/index.js';

export type SiteInput = Omit<BuildoutInput, 'deliveries' | 'horizonDays' | 'facilityWattsPerGpu'>;

const SITE_KEYS = [
  'gpusPerServer',
  'serversPerRack',
  'racksPerArray',
  'partialCloseAfterIdleDays',
  'installPhases',
  'networkBringUpDays',
  'burnInDays',
  'infantMortalityFraction',
  'replacementDays',
  'powerPhases',
] as const;

/** Defaults of `site` (an HGX site like Colossus's; see docs/campaign.md). Power defaults to unlimited. */
export const SITE_DEFAULTS: SiteInput = {
  gpusPerServer: 8,
  serversPerRack: 8,
  racksPerArray: 8,
  partialCloseAfterIdleDays: 2,
  installPhases: [{ startDay: 0, racksPerDay: 32 }],
  networkBringUpDays: 2,
  burnInDays: 3,
  infantMortalityFraction: 0.02,
  replacementDays: 3,
  powerPhases: [],
};

function readPhases<T extends { startDay: number }>(
  ctx: ReadContext,
  value: unknown,
  path: Path,
  readOne: (item: Record<string, unknown>, at: Path) => T | undefined,
): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    report(ctx, path, 'has the wrong type', { expected: 'a list of phases', received: describeValue(value) });
    return undefined;
  }
  const out: T[] = [];
  let previous = -1;
  value.forEach((item: unknown, i) => {
    const at = [...path, i];
    if (!isRecord(item)) {
      report(ctx, at, 'has the wrong type', { expected: 'an object with startDay', received: describeValue(item) });
      return;
    }
    const phase = readOne(item, at);
    if (!phase) return;
    if (phase.startDay <= previous) {
      report(ctx, [...at, 'startDay'], 'phases must start on increasing days', { expected: `an integer > ${previous}`, received: String(phase.startDay) });
      return;
    }
    previous = phase.startDay;
    out.push(phase);
  });
  return out;
}

/** The site: server/rack/array sizes, install rate, network bring-up, burn-in and power phases. */
export function readSite(ctx: ReadContext, value: unknown, path: Path): SiteInput {
  const o = readObject(ctx, value, path, false) ?? {};
  checkKeys(ctx, o, SITE_KEYS, path);
  const whole = { integer: true, min: 1, max: 1_000_000 };
  const days = { integer: true, min: 0, max: 3650 };
  const install = readPhases<InstallPhase>(ctx, o['installPhases'], [...path, 'installPhases'], (item, at) => {
    checkKeys(ctx, item, ['startDay', 'racksPerDay', 'note'], at);
    const startDay = readNumber(ctx, item, 'startDay', at, { ...days, required: true });
    const racksPerDay = readNumber(ctx, item, 'racksPerDay', at, { required: true, min: 0, max: 100_000 });
    return startDay === undefined || racksPerDay === undefined ? undefined : { startDay, racksPerDay };
  });
  const power = readPhases<PowerPhase>(ctx, o['powerPhases'], [...path, 'powerPhases'], (item, at) => {
    checkKeys(ctx, item, ['startDay', 'gridMw', 'batteryMw', 'batteryMwh', 'generationMw', 'note'], at);
    const startDay = readNumber(ctx, item, 'startDay', at, { ...days, required: true });
    const gridMw = readNumber(ctx, item, 'gridMw', at, { required: true, min: 0, max: 1e6 });
    const batteryMw = readNumber(ctx, item, 'batteryMw', at, { min: 0, max: 1e6 });
    const batteryMwh = readNumber(ctx, item, 'batteryMwh', at, { min: 0, max: 1e8 });
    const generationMw = readNumber(ctx, item, 'generationMw', at, { min: 0, max: 1e6 });
    const note = readString(ctx, item, 'note', at);
    if (startDay === undefined || gridMw === undefined) return undefined;
    const phase: PowerPhase = { startDay, gridMw };
    if (batteryMw !== undefined) phase.batteryMw = batteryMw;
    if (batteryMwh !== undefined) phase.batteryMwh = batteryMwh;
    if (generationMw !== undefined) phase.generationMw = generationMw;
    if (note !== undefined) phase.note = note;
    return phase;
  });
  const d = SITE_DEFAULTS;
  return {
    gpusPerServer: readNumber(ctx, o, 'gpusPerServer', path, { ...whole, max: 1024 }) ?? d.gpusPerServer,
    serversPerRack: readNumber(ctx, o, 'serversPerRack', path, whole) ?? d.serversPerRack,
    racksPerArray: readNumber(ctx, o, 'racksPerArray', path, whole) ?? d.racksPerArray,
    partialCloseAfterIdleDays: readNumber(ctx, o, 'partialCloseAfterIdleDays', path, days) ?? d.partialCloseAfterIdleDays,
    installPhases: install ?? d.installPhases,
    networkBringUpDays: readNumber(ctx, o, 'networkBringUpDays', path, days) ?? d.networkBringUpDays,
    burnInDays: readNumber(ctx, o, 'burnInDays', path, days) ?? d.burnInDays,
    infantMortalityFraction: readNumber(ctx, o, 'infantMortalityFraction', path, { min: 0, max: 0.99 }) ?? d.infantMortalityFraction,
    replacementDays: readNumber(ctx, o, 'replacementDays', path, days) ?? d.replacementDays,
    powerPhases: power ?? d.powerPhases,
  };
}
