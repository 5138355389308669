import * as v from 'valibot';
import { isIsoDate } from '../campaign/calendar.js';
import { bool, doc, list, num, obj, oneOf, optional, says, str } from '../core/schema.js';
import { suggestId } from '../core/suggest.js';
import { defaultAmortizationYears, defaultUsdPerKwh } from '../energy/capital-cost.js';
import { defaultPowerUtilisation } from '../energy/power-profile.js';
import { defaultHopperMarket2024 } from '../supply/default-hopper-market.js';
import type { AllocationInput } from '../supply/allocation-input.js';
import { ReliabilitySchema } from '../sim/scenario-schema.js';
import { CAMPAIGN_GPU_IDS } from './campaign-gpus.js';

/**
 * The `colossus run` scenario: the one definition of its fields, from which the file's types, the
 * shape check (`parseCampaignScenario`) and schemas/campaign-scenario.schema.json come. What a
 * schema cannot say is checked after it: a delivery has a day or a range, phases start on
 * increasing days, the customer is one of the market's, the model and training fields are a spec
 * (the spec parser), `reliability` is a simulator block (its schema here; its rules, the simulator's parser).
 */

/** Markets a scenario can name. */
export const MARKETS: Readonly<Record<string, AllocationInput>> = { 'hopper-2024': defaultHopperMarket2024 };

const DELIVERIES = 'a list of { gpu, gpus, day } or { gpu, gpus, fromDay, toDay }';

const campaignGpu = v.picklist(CAMPAIGN_GPU_IDS, (issue) => {
  if (typeof issue.input !== 'string' || issue.input === '') return issue.input === undefined ? 'a string' : says('has the wrong type', 'a non-empty string');
  const guess = suggestId(issue.input, CAMPAIGN_GPU_IDS);
  return says(`is not a GPU the campaign can price and power${guess ? ` (did you mean ${guess}?)` : ''}`, `one of ${CAMPAIGN_GPU_IDS.join(', ')}`);
});

/** One delivery; days count from day 0 and fall within the horizon (`maxDay`). */
export function deliverySchema(maxDay: number) {
  const day = num({ integer: true, min: 0, max: maxDay });
  return obj({
    gpu: campaignGpu,
    gpus: num({ integer: true, min: 1, max: 100_000_000 }),
    day: optional(doc(day, 'The day all of them arrive.')),
    fromDay: optional(doc(day, 'First day of a delivery spread evenly over fromDay..toDay (inclusive).')),
    toDay: optional(day),
    note: optional(v.unknown()),
  }, 'an object { gpu, gpus, day | fromDay, toDay }');
}

const days = num({ integer: true, min: 0, max: 3650 });
const whole = num({ integer: true, min: 1, max: 1_000_000 });

/** A list of phases that start on increasing days. */
function phases<S extends v.GenericSchema<unknown, { startDay: number }>>(item: S) {
  return v.pipe(
    list(item, 'a list of phases'),
    v.rawCheck<v.InferOutput<S>[]>(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      let previous = -1;
      dataset.value.forEach((phase, i) => {
        if (phase.startDay <= previous) {
          addIssue({
            message: says('phases must start on increasing days', `an integer > ${previous}`, String(phase.startDay)),
            path: [
              { type: 'array', origin: 'value', input: dataset.value, key: i, value: phase },
              { type: 'object', origin: 'value', input: phase, key: 'startDay', value: phase.startDay },
            ],
          });
        } else previous = phase.startDay;
      });
    }),
  );
}

export const InstallPhaseSchema = obj({
  startDay: days,
  racksPerDay: num({ min: 0, max: 100_000 }),
  note: optional(v.unknown()),
}, 'an object with startDay');

export const PowerPhaseSchema = obj({
  startDay: days,
  gridMw: num({ min: 0, max: 1e6 }),
  batteryMw: optional(num({ min: 0, max: 1e6 })),
  batteryMwh: optional(num({ min: 0, max: 1e8 })),
  generationMw: optional(num({ min: 0, max: 1e6 })),
  note: optional(str()),
}, 'an object with startDay');

/** The site (an HGX site like Colossus's by default; see docs/campaign.md). Power defaults to unlimited. */
export const SiteSchema = obj({
  gpusPerServer: optional(num({ integer: true, min: 1, max: 1024 }), 8),
  serversPerRack: optional(whole, 8),
  racksPerArray: optional(whole, 8),
  partialCloseAfterIdleDays: optional(days, 2),
  installPhases: optional(phases(InstallPhaseSchema), [{ startDay: 0, racksPerDay: 32 }]),
  networkBringUpDays: optional(days, 2),
  burnInDays: optional(days, 3),
  infantMortalityFraction: optional(num({ min: 0, max: 0.99 }), 0.02),
  replacementDays: optional(days, 3),
  powerPhases: optional(phases(PowerPhaseSchema), []),
});
export type SiteFile = v.InferOutput<typeof SiteSchema>;

export const OrderChangeSchema = obj({
  customer: str(),
  factor: num({ above: 0, max: 1000 }),
  product: optional(str()),
  note: optional(v.unknown()),
});

const MARKET_IDS = Object.keys(MARKETS);

export const SupplySchema = obj({
  market: v.picklist(MARKET_IDS, (issue) =>
    issue.input === undefined ? 'a string' : typeof issue.input === 'string' ? says('is not a known market', `one of ${MARKET_IDS.join(', ')}`) : says('has the wrong type', 'a non-empty string'),
  ),
  customer: str(),
  monthZeroDay: optional(doc(num({ integer: true, min: -3650, max: 3650 }), "The day (from day 0) on which the market's month 0 begins; default: from startDate.")),
  orderChange: optional(OrderChangeSchema),
  note: optional(v.unknown()),
});

export const FLEETS = ['combined', 'mixed', 'separate'] as const;
const degree = num({ integer: true, min: 1, max: 1_000_000 });

export const TrainingSchema = obj({
  model: optional(doc(v.unknown(), 'A catalog model id or a model object, as in a spec.')),
  seqLen: optional(v.unknown()),
  globalBatch: optional(v.unknown()),
  precision: optional(v.unknown()),
  attention: optional(v.unknown()),
  gradPrecision: optional(v.unknown()),
  tokens: num({ above: 0, max: 1e18 }),
  startFraction: optional(doc(num({ above: 0, max: 1 }), 'Start training when this fraction of the final fleet is online.'), 0.1),
  replanGrowth: optional(doc(num({ above: 0, max: 10 }), 'Re-plan when the fleet has grown by this fraction.'), 0.1),
  fleet: optional(oneOf(FLEETS), 'combined'),
  primaryGpu: optional(str()),
  parallel: optional(
    obj({
      tp: optional(degree),
      pp: optional(degree),
      cp: optional(degree),
      ep: optional(degree),
      epDispatch: optional(oneOf(['alltoall', 'deepep'])),
      epCommOverlap: optional(bool()),
    }),
  ),
  system: optional(obj({ nvlinkDomain: optional(v.unknown()), scaleOutGbpsPerGpu: optional(v.unknown()), oversubscription: optional(v.unknown()) })),
});
export type TrainingFile = v.InferOutput<typeof TrainingSchema>;

/** Each defaults to src/energy's sourced default. */
export const EnergySchema = obj({
  utilisation: optional(num({ min: 0, max: 1 }), defaultPowerUtilisation),
  usdPerKwh: optional(num({ min: 0, max: 10 }), defaultUsdPerKwh),
  amortizationYears: optional(num({ min: 0.1, max: 50, why: 'hardware is written off over one month to 50 years' }), defaultAmortizationYears),
});

const DATE = says('is not a date', 'YYYY-MM-DD');

/** The scenario; days of deliveries are checked against `horizonDays` (when known). */
export function campaignScenarioSchema(horizonDays?: number) {
  return obj({
    name: optional(str()),
    description: optional(str()),
    startDate: optional(doc(v.pipe(v.string(DATE), v.check(isIsoDate, DATE)), 'The calendar date of day 0 (YYYY-MM-DD).')),
    horizonDays: num({ integer: true, min: 1, max: 3650 }),
    deliveries: optional(v.pipe(list(deliverySchema(horizonDays ?? Number.MAX_SAFE_INTEGER), DELIVERIES), v.minLength(1, says('is empty', DELIVERIES)))),
    supply: optional(doc(SupplySchema, 'Instead of deliveries: the customer\'s share of a market\'s monthly supply.')),
    site: optional(SiteSchema, {}),
    training: TrainingSchema,
    reliability: optional(doc(ReliabilitySchema, 'The failure model, as in a `colossus simulate` scenario (preset, causes, checkpoint, spareNodes, ...).')),
    energy: optional(EnergySchema, {}),
    seed: optional(num({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER })),
    assumptions: optional(list(v.string('a string'), 'a list of strings')),
  });
}
export type CampaignScenarioFile = v.InferOutput<ReturnType<typeof campaignScenarioSchema>>;
