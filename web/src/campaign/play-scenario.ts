import { campaignRunRecord, runCampaign, type CampaignStage } from '../../../src/campaign/index.js';
import { InputError, checkedResult, type Issue } from '../../../src/core/index.js';
import { checkScenario } from './check-scenario.js';
import type { StoredRun } from '../run-data.js';

let counter = 0;

/**
 * Play the scenario with the same pure core as `colossus run` and shape the run as the store keeps
 * it (summary, timeline, events, result blob), so every view reads it like a stored run.
 */
export function playScenario(text: string, fileName: string, seed: number | undefined, onStage?: (stage: CampaignStage, index: number, total: number) => void): { ok: true; run: StoredRun } | { ok: false; issues: Issue[] } {
  const checked = checkScenario(text, fileName, seed);
  if (!checked.ok) return checked;
  try {
    const result = checkedResult('campaign', runCampaign(checked.input, onStage ? { onProgress: onStage } : {}), [], "the scenario's build-out, energy and training");
    const record = campaignRunRecord(result, checked.input, `${fileName} (in this browser)`);
    const createdAt = new Date().toISOString();
    const id = `browser-${Date.now().toString(36)}-${(counter++).toString(36)}`;
    return { ok: true, run: { id, createdAt, name: record.name, summary: record.summary, scenario: record.scenario, timeline: [...(record.timeline ?? [])], events: [...(record.events ?? [])], blobs: { ...record.blobs } } };
  } catch (err) {
    if (err instanceof InputError) return { ok: false, issues: err.issues };
    throw err;
  }
}
