import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { campaignRunRecord, runCampaign, runSummary } from '../campaign/index.js';
import { InputError, checkedResult, parseDocumentText } from '../core/index.js';
import { parseCampaignScenario } from '../scenario/index.js';
import type { RunInput } from '../store/index.js';
import type { BodyInput, StartRunHandler } from './app-deps.js';

/** The bundled Colossus scenario: what `POST /api/runs` plays for the body `{"bundled": true}`. */
export const BUNDLED_CAMPAIGN_PATH = fileURLToPath(new URL('../../scenarios/colossus.yaml', import.meta.url));

/**
 * `POST /api/runs[?seed=N]`: play a campaign scenario (the body, JSON or YAML; `{"bundled": true}` = the bundled
 * Colossus scenario) and save it in the store exactly as `colossus run` does (same summary, events
 * and result blob), so that the dashboard and `colossus runs` read both alike. Runs in this thread.
 */
export function startCampaign(query: { seed?: string | undefined }): StartRunHandler {
  return (input, store) => {
    const { record, summary } = computeCampaign(query, input);
    const { id, createdAt } = store.saveRun(record);
    return Promise.resolve({ id, createdAt, summary });
  };
}

/** The part of `startCampaign` that computes (pure, no store): the run record to save and its summary. */
export function computeCampaign(query: { seed?: string | undefined }, { value, doc }: BodyInput): { record: RunInput; summary: unknown } {
  let seed: number | undefined;
  if (query.seed !== undefined) {
    seed = Number(query.seed);
    if (!/^\d+$/.test(query.seed) || !Number.isSafeInteger(seed)) {
      throw new InputError([{ path: '?seed', message: 'is not a valid seed', expected: 'an integer >= 0', received: JSON.stringify(query.seed) }]);
    }
  }
  const bundled = value === undefined;
  const source = bundled ? parseDocumentText(readFileSync(BUNDLED_CAMPAIGN_PATH, 'utf8'), 'scenarios/colossus.yaml') : doc;
  const parsed = parseCampaignScenario(source, bundled ? source?.value : value, seed !== undefined ? { seed } : {});
  if (!parsed.ok) throw new InputError(parsed.issues);
  const result = checkedResult('campaign', runCampaign(parsed.input), [], 'the scenario\'s build-out, energy and training');
  return { record: campaignRunRecord(result, parsed.input, bundled ? 'scenarios/colossus.yaml (bundled)' : 'POST /api/runs'), summary: runSummary(result) };
}
