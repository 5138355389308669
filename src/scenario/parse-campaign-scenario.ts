import type { CampaignInput } from '../campaign/campaign-input.js';
import { isIsoDate } from '../campaign/calendar.js';
import {
  InputError,
  checkKeys,
  describeValue,
  newReadContext,
  readNumber,
  readObject,
  readString,
  report,
  type Issue,
  type SourceDocument,
} from '../core/index.js';
import { defaultPowerProfiles } from '../energy/power-profile.js';
import { facilityWattsPerGpu } from '../energy/watts-per-gpu.js';
import { readDeliveries } from './read-deliveries.js';
import { readEnergy } from './read-energy.js';
import { readReliability } from './read-reliability.js';
import { readSite } from './read-site.js';
import { readSupply } from './read-supply.js';
import { readTraining } from './read-training.js';

const TOP_KEYS = [
  'name',
  'description',
  'startDate',
  'horizonDays',
  'deliveries',
  'supply',
  'site',
  'training',
  'reliability',
  'energy',
  'seed',
  'assumptions',
] as const;

export type CampaignScenarioResult = { ok: true; input: CampaignInput } | { ok: false; issues: Issue[] };

export interface CampaignScenarioOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
}

/**
 * Read a `colossus run` scenario (YAML/JSON, already parsed) into a campaign input, collecting
 * every problem as an issue with its field path and, when `doc` is given, its file:line.
 */
export function parseCampaignScenario(doc: SourceDocument | undefined, value: unknown, options: CampaignScenarioOptions = {}): CampaignScenarioResult {
  const ctx = newReadContext(doc);
  const root = readObject(ctx, value, []);
  if (!root) return { ok: false, issues: ctx.issues };
  checkKeys(ctx, root, TOP_KEYS, []);
  const name = readString(ctx, root, 'name', []) ?? 'campaign';
  const description = readString(ctx, root, 'description', []);
  let startDate: string | undefined;
  const rawDate = root['startDate'];
  if (rawDate !== undefined && rawDate !== null) {
    // YAML reads an unquoted 2024-05-03 as a string (YAML 1.2 core schema), JSON as a string.
    if (typeof rawDate !== 'string' || !isIsoDate(rawDate)) {
      report(ctx, ['startDate'], 'is not a date', { expected: 'YYYY-MM-DD', received: describeValue(rawDate) });
    } else startDate = rawDate;
  }
  const horizonDays = readNumber(ctx, root, 'horizonDays', [], { required: true, integer: true, min: 1, max: 3650 });

  const hasDeliveries = root['deliveries'] !== undefined;
  const hasSupply = root['supply'] !== undefined;
  let deliveries: CampaignInput['buildout']['deliveries'] = [];
  let supply: CampaignInput['supply'];
  if (hasDeliveries === hasSupply) {
    report(ctx, hasSupply ? ['supply'] : [], hasSupply ? 'conflicts with deliveries' : 'needs deliveries or supply', {
      expected: 'either deliveries (a list) or supply (a market allocation)',
    });
  } else if (hasDeliveries) {
    deliveries = readDeliveries(ctx, root['deliveries'], ['deliveries'], horizonDays);
  } else if (horizonDays !== undefined) {
    const s = readSupply(ctx, root['supply'], ['supply'], startDate, horizonDays);
    if (s) {
      deliveries = s.deliveries;
      supply = s.whatIf;
    }
  }
  const gpus = [...new Set(deliveries.map((d) => d.gpuType))];
  const site = readSite(ctx, root['site'], ['site']);
  const training = readTraining(ctx, doc, root['training'], gpus);
  const reliability = readReliability(ctx, doc, root['reliability'], site.gpusPerServer);
  const energy = readEnergy(ctx, root['energy'], ['energy']);
  const seed = options.seed ?? readNumber(ctx, root, 'seed', [], { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }) ?? 1;
  const assumptions: string[] = [];
  const rawAssumptions = root['assumptions'];
  if (rawAssumptions !== undefined) {
    if (!Array.isArray(rawAssumptions) || rawAssumptions.some((a) => typeof a !== 'string')) {
      report(ctx, ['assumptions'], 'has the wrong type', { expected: 'a list of strings', received: describeValue(rawAssumptions) });
    } else assumptions.push(...(rawAssumptions as string[]));
  }

  if (ctx.issues.length > 0 || horizonDays === undefined || !training || !reliability) {
    if (ctx.issues.length === 0) report(ctx, [], 'is not a valid campaign scenario');
    return { ok: false, issues: ctx.issues };
  }
  const facility: Record<string, number> = {};
  for (const g of gpus) {
    const profile = defaultPowerProfiles[g];
    if (profile) facility[g] = facilityWattsPerGpu(profile, 1); // provisioned at full load
  }
  const input: CampaignInput = {
    name,
    buildout: { ...site, deliveries, horizonDays, facilityWattsPerGpu: facility },
    training,
    reliability,
    energy,
    seed,
    assumptions,
  };
  if (description !== undefined) input.description = description;
  if (startDate !== undefined) input.startDate = startDate;
  if (supply) input.supply = supply;
  return { ok: true, input };
}

/** Like `parseCampaignScenario` but throws an `InputError` carrying the issues. */
export function parseCampaignScenarioOrThrow(doc: SourceDocument, options: CampaignScenarioOptions = {}): CampaignInput {
  const r = parseCampaignScenario(doc, doc.value, options);
  if (!r.ok) throw new InputError(r.issues);
  return r.input;
}
