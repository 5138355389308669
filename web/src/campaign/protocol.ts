import type { CampaignStage } from '../../../src/campaign/run-campaign.js';
import type { Issue } from '../../../src/core/issue.js';
import type { StoredRun } from '../run-data.js';

/** What the page asks the campaign worker: play this scenario text. */
export interface CampaignRequest {
  text: string;
  /** The name issues are reported against (`scenario.yaml:12:3`). */
  fileName: string;
  seed?: number;
}

/** What the worker answers: progress by stage, then the run (shaped as the store keeps it) or why not. */
export type CampaignMessage =
  | { type: 'progress'; stage: CampaignStage; index: number; total: number }
  | { type: 'issues'; issues: Issue[] }
  | { type: 'done'; run: StoredRun; elapsedS: number }
  | { type: 'error'; message: string };
