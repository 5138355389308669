import type { CampaignInput } from '../campaign/campaign-input.js';
import { InputError, formatIssue, isRecord, newReadContext, report, type Issue, type SourceDocument } from '../core/index.js';
import { parsed, parsedField, validate } from '../core/schema.js';
import { defaultPowerProfiles } from '../energy/power-profile.js';
import { facilityWattsPerGpu } from '../energy/watts-per-gpu.js';
import { campaignScenarioSchema } from './campaign-scenario-schema.js';
import { readDeliveries } from './read-deliveries.js';
import { readReliability } from './read-reliability.js';
import { readSupply } from './read-supply.js';
import { readTraining } from './read-training.js';

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
  const root = isRecord(value) ? value : undefined;
  // Delivery days must fall within the horizon: the schema is made with it (when it is valid).
  const horizon = parsed(campaignScenarioSchema().entries.horizonDays, root?.['horizonDays']);
  const schema = campaignScenarioSchema(horizon);
  const file = validate(ctx, schema, value);
  if (!root) return { ok: false, issues: ctx.issues };
  // The checks a schema cannot make, on the parts of the file that are valid.
  const field = <K extends keyof typeof schema.entries & string>(key: K) => parsedField(schema, root, key);
  const startDate = field('startDate');
  const horizonDays = horizon;

  const hasDeliveries = root['deliveries'] !== undefined && root['deliveries'] !== null;
  const hasSupply = root['supply'] !== undefined && root['supply'] !== null;
  let deliveries: CampaignInput['buildout']['deliveries'] = [];
  let supply: CampaignInput['supply'];
  if (hasDeliveries === hasSupply) {
    report(ctx, hasSupply ? ['supply'] : [], hasSupply ? 'conflicts with deliveries' : 'needs deliveries or supply', {
      expected: 'either deliveries (a list) or supply (a market allocation)',
    });
  } else if (hasDeliveries) {
    deliveries = readDeliveries(ctx, root['deliveries'], ['deliveries'], horizonDays);
  } else if (horizonDays !== undefined) {
    const supplyFile = field('supply');
    const s = supplyFile && readSupply(ctx, supplyFile, ['supply'], startDate, horizonDays);
    if (s) {
      deliveries = s.deliveries;
      supply = s.whatIf;
    }
  }
  const gpus = [...new Set(deliveries.map((d) => d.gpuType))];
  const site = field('site');
  const training = readTraining(ctx, doc, root['training'], field('training'), gpus);
  const reliability = readReliability(ctx, doc, root['reliability'], site?.gpusPerServer ?? 8);

  if (ctx.issues.length > 0 || !file || horizonDays === undefined || !site || !training || !reliability) {
    if (ctx.issues.length === 0) report(ctx, [], 'is not a valid campaign scenario');
    // `reliability` is checked by this file's schema and again by the simulator's parser: each issue once.
    const seen = new Set<string>();
    return { ok: false, issues: ctx.issues.filter((i) => !seen.has(formatIssue(i)) && seen.add(formatIssue(i)) !== undefined) };
  }
  const { name = 'campaign', description, energy, assumptions = [] } = file;
  const seed = options.seed ?? file.seed ?? 1;
  const facility: Record<string, number> = {};
  for (const g of gpus) {
    const profile = defaultPowerProfiles[g];
    if (profile) facility[g] = facilityWattsPerGpu(profile, 1); // provisioned at full load
  }
  const input: CampaignInput = {
    name,
    buildout: { ...site, installPhases: site.installPhases.map(({ startDay, racksPerDay }) => ({ startDay, racksPerDay })), deliveries, horizonDays, facilityWattsPerGpu: facility },
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
