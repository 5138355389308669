import type { SourceDocument, ReadContext } from '../core/index.js';
import { DEFAULTS, parseScenario } from '../sim/scenario.js';
import type { CampaignReliability } from '../campaign/campaign-input.js';

/** The failure model when a scenario says nothing: Llama 3's published causes on H100. */
export const DEFAULT_RELIABILITY = { preset: 'llama3' } as const;

/**
 * `reliability:` in the format of `colossus simulate` scenarios (preset, causes, overrides,
 * rateMultiplier, restartS, checkpoint, spareNodes, burnIn), read by the simulator's own parser so
 * that both commands accept the same block with the same messages and file positions. The job
 * itself is the campaign's, so a placeholder job is parsed with it.
 */
export function readReliability(ctx: ReadContext, doc: SourceDocument | undefined, value: unknown, gpusPerNode: number): CampaignReliability | undefined {
  const synthetic = {
    cluster: { gpusPerNode },
    job: { gpus: gpusPerNode, days: 1, stepTimeS: 1 },
    reliability: value ?? DEFAULT_RELIABILITY,
  };
  const parsed = parseScenario(doc, synthetic, { deferCheckpoint: true });
  if (!parsed.ok) {
    ctx.issues.push(...parsed.issues);
    return undefined;
  }
  const s = parsed.scenario;
  const c = s.job.checkpoint;
  const out: CampaignReliability = {
    causes: s.baseCauses ?? s.job.causes,
    restartS: s.job.restartS,
    intervalPolicy: s.intervalPolicy,
    writeS: c.writeS,
    blockS: c.blockS,
    restoreS: c.restoreS,
    asyncCheckpoint: s.asyncCheckpoint,
    spareNodes: s.job.spareNodes,
    nodesPerSwitch: s.job.nodesPerSwitch ?? DEFAULTS.nodesPerSwitch,
    preset: s.preset ?? 'custom',
  };
  if (s.intervalPolicy === 'fixed') out.intervalS = c.intervalS;
  if (s.inventorySpec) out.inventory = s.inventorySpec;
  if (s.checkpointSpec) out.checkpointSpec = s.checkpointSpec;
  if (s.restart) out.restart = s.restart;
  if (s.job.repairCrews !== undefined) out.repairCrews = s.job.repairCrews;
  if (s.job.burnIn) out.burnIn = { days: s.job.burnIn.untilS / 86400, rateMultiplier: s.job.burnIn.rateMultiplier };
  return out;
}
