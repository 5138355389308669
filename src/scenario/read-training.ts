import { isRecord, report, type Issue, type Path, type PathSegment, type SourceDocument, type ReadContext } from '../core/index.js';
import { ruleText } from '../core/schema.js';
import { parseSpecValue } from '../spec/parse.js';
import type { CampaignTraining } from '../campaign/campaign-input.js';
import type { TrainingFile } from './campaign-scenario-schema.js';

const SPEC_TRAINING_KEYS = ['seqLen', 'globalBatch', 'precision', 'attention', 'gradPrecision'] as const;
const SYSTEM_KEYS = ['nvlinkDomain', 'scaleOutGbpsPerGpu', 'oversubscription'] as const;
const DEGREE_KEYS = ['tp', 'pp', 'cp', 'ep'] as const;

function pick(system: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SYSTEM_KEYS) if (system?.[k] !== undefined) out[k] = system[k];
  return out;
}

/** Where a path of the estimate spec lives in the campaign scenario: `model` and `system` sit under `training`. */
function toScenarioPath(path: readonly PathSegment[]): PathSegment[] {
  const [head, ...rest] = path;
  return head === 'model' || head === 'system' ? ['training', head, ...rest] : [...path];
}

function toScenarioIssue(issue: Issue): Issue {
  const p = issue.path;
  const moved = p === 'model' || p === 'system' || /^(model|system)[.[]/.test(p);
  return moved ? { ...issue, path: `training.${p}` } : issue;
}

/**
 * `training:` the model (a catalog id or an object, as in `estimate`), sequence length, global
 * batch, precision, token budget, when to start, when to re-plan, how to run a mixed fleet, and
 * optionally fixed parallel degrees. The schema checks the campaign's own fields (`typed`, undefined
 * when they have issues); the model and training fields of `raw` are checked by the spec parser
 * (same messages as `estimate`), with their positions in this file; the degrees against the model.
 */
export function readTraining(
  ctx: ReadContext,
  doc: SourceDocument | undefined,
  raw: unknown,
  typed: TrainingFile | undefined,
  gpus: readonly string[],
): CampaignTraining | undefined {
  const path: Path = ['training'];
  if (!isRecord(raw)) return undefined;
  const o = raw;
  let primaryGpu = typed?.primaryGpu;
  if (primaryGpu !== undefined && gpus.length > 0 && !gpus.includes(primaryGpu)) {
    report(ctx, [...path, 'primaryGpu'], 'is not a GPU type the scenario delivers', { expected: `one of ${gpus.join(', ')}`, received: JSON.stringify(primaryGpu) });
    primaryGpu = undefined;
  }

  // Model, sequence, batch, precision and system through the estimate spec parser.
  const specTraining: Record<string, unknown> = {};
  for (const k of SPEC_TRAINING_KEYS) if (o[k] !== undefined) specTraining[k] = o[k];
  const system = isRecord(o['system']) ? o['system'] : undefined;
  const specValue = {
    model: o['model'],
    system: { ...pick(system), gpu: gpus[0] ?? 'h100-sxm', gpus: 1 },
    training: specTraining,
  };
  const remapped: SourceDocument | undefined = doc && {
    file: doc.file,
    value: doc.value,
    positionOf: (p) => doc.positionOf(toScenarioPath(p)),
  };
  const spec = parseSpecValue(specValue, remapped, [], { planOptional: true });
  if (!spec.ok) ctx.issues.push(...spec.issues.map(toScenarioIssue));
  if (!typed) return undefined;

  let degrees: CampaignTraining['degrees'];
  const facts: NonNullable<CampaignTraining['facts']> = {};
  const par = typed.parallel;
  if (par?.epDispatch !== undefined) facts.epDispatch = par.epDispatch;
  if (par?.epCommOverlap !== undefined) facts.epCommOverlap = par.epCommOverlap;
  if (par && DEGREE_KEYS.some((k) => par[k] !== undefined)) {
    const at = [...path, 'parallel'];
    for (const k of ['tp', 'pp'] as const) {
      if (par[k] === undefined) report(ctx, [...at, k], 'is required', { expected: ruleText({ integer: true, min: 1, max: 1_000_000 }) });
    }
    const { tp, pp } = par;
    const cp = par.cp ?? 1;
    const ep = par.ep ?? 1;
    if (tp !== undefined && pp !== undefined) {
      degrees = { tp, pp, cp, ep };
      if (spec.ok) {
        const m = spec.spec.model;
        if (m.heads % tp !== 0) report(ctx, [...at, 'tp'], 'must divide the attention heads', { expected: `a divisor of ${m.heads}`, received: String(tp) });
        if (pp > m.layers) report(ctx, [...at, 'pp'], 'exceeds the number of layers', { expected: `<= ${m.layers}`, received: String(pp) });
        if (spec.spec.training.seqLen % cp !== 0) report(ctx, [...at, 'cp'], 'must divide the sequence length', { expected: `a divisor of ${spec.spec.training.seqLen}`, received: String(cp) });
        if (ep > 1 && !m.moe) report(ctx, [...at, 'ep'], 'needs an MoE model', { expected: '1 for a dense model', received: String(ep) });
        if (m.moe && m.moe.experts % ep !== 0) report(ctx, [...at, 'ep'], 'must divide the experts', { expected: `a divisor of ${m.moe.experts}`, received: String(ep) });
      }
    }
  }
  if (!spec.ok) return undefined;
  const s = spec.spec;
  const out: CampaignTraining = {
    model: s.model,
    seqLen: s.training.seqLen,
    globalBatch: s.training.globalBatch,
    precision: s.training.precision,
    attention: s.training.attention,
    facts,
    tokens: typed.tokens,
    startFraction: typed.startFraction,
    replanGrowth: typed.replanGrowth,
    fleet: typed.fleet,
    primaryGpu: primaryGpu ?? gpus[0] ?? 'h100-sxm',
    system: {},
  };
  if (system?.['nvlinkDomain'] !== undefined) out.system.nvlinkDomain = s.system.nvlinkDomain;
  if (system?.['scaleOutGbpsPerGpu'] !== undefined) out.system.scaleOutGbpsPerGpu = s.system.scaleOutGbpsPerGpu;
  if (system?.['oversubscription'] !== undefined) out.system.oversubscription = s.system.oversubscription;
  if (degrees) out.degrees = degrees;
  if (s.training.gradPrecision !== undefined) out.gradPrecision = s.training.gradPrecision;
  return out;
}
