import type { CampaignInput } from '../../../src/campaign/campaign-input.js';
import { InputError, parseDocumentText, type Issue } from '../../../src/core/index.js';
import { parseCampaignScenario } from '../../../src/scenario/parse-campaign-scenario.js';

/**
 * A scenario's text checked as `colossus run FILE` checks it: the same document reader (YAML or
 * JSON, limits, line and column) and the same scenario parser. Pure and quick: run on every edit.
 */
export function checkScenario(text: string, fileName: string, seed?: number): { ok: true; input: CampaignInput } | { ok: false; issues: Issue[] } {
  try {
    const doc = parseDocumentText(text, fileName);
    const parsed = parseCampaignScenario(doc, doc.value, seed !== undefined ? { seed } : {});
    return parsed.ok ? { ok: true, input: parsed.input } : { ok: false, issues: parsed.issues };
  } catch (err) {
    if (err instanceof InputError) return { ok: false, issues: err.issues };
    throw err;
  }
}

