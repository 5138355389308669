import {
  checkKeys,
  readBoolean,
  readEnum,
  readNumber,
  readObject,
  readString,
  report,
  type Issue,
  type Path,
  type PathSegment,
  type ReadContext,
  type SourceDocument,
} from '../core/index.js';
import { parseSpecValue } from '../spec/parse.js';
import type { CampaignTraining, FleetMode } from '../campaign/campaign-input.js';

const TRAINING_KEYS = [
  'model',
  'seqLen',
  'globalBatch',
  'precision',
  'attention',
  'gradPrecision',
  'tokens',
  'startFraction',
  'replanGrowth',
  'fleet',
  'primaryGpu',
  'parallel',
  'system',
] as const;
const SPEC_TRAINING_KEYS = ['seqLen', 'globalBatch', 'precision', 'attention', 'gradPrecision'] as const;
const SYSTEM_KEYS = ['nvlinkDomain', 'scaleOutGbpsPerGpu', 'oversubscription'] as const;
const DEGREE_KEYS = ['tp', 'pp', 'cp', 'ep'] as const;
/** Software facts a scenario may fix for every plan of the campaign. */
const FACT_KEYS = ['epDispatch', 'epCommOverlap'] as const;
const FLEETS: readonly FleetMode[] = ['combined', 'mixed', 'separate'];

export const TRAINING_DEFAULTS = { startFraction: 0.1, replanGrowth: 0.1, fleet: 'combined' as FleetMode };

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
 * optionally fixed parallel degrees. The model and training fields are checked by the spec parser
 * (same messages as `estimate`), with their positions in this file.
 */
export function readTraining(
  ctx: ReadContext,
  doc: SourceDocument | undefined,
  value: unknown,
  gpus: readonly string[],
): CampaignTraining | undefined {
  const path: Path = ['training'];
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, TRAINING_KEYS, path);
  const tokens = readNumber(ctx, o, 'tokens', path, { required: true, above: 0, max: 1e18 });
  const startFraction = readNumber(ctx, o, 'startFraction', path, { above: 0, max: 1 }) ?? TRAINING_DEFAULTS.startFraction;
  const replanGrowth = readNumber(ctx, o, 'replanGrowth', path, { above: 0, max: 10 }) ?? TRAINING_DEFAULTS.replanGrowth;
  const fleet = readEnum(ctx, o, 'fleet', path, FLEETS) ?? TRAINING_DEFAULTS.fleet;
  let primaryGpu = readString(ctx, o, 'primaryGpu', path);
  if (primaryGpu !== undefined && gpus.length > 0 && !gpus.includes(primaryGpu)) {
    report(ctx, [...path, 'primaryGpu'], 'is not a GPU type the scenario delivers', { expected: `one of ${gpus.join(', ')}`, received: JSON.stringify(primaryGpu) });
    primaryGpu = undefined;
  }

  // Model, sequence, batch, precision and system through the estimate spec parser.
  const specTraining: Record<string, unknown> = {};
  for (const k of SPEC_TRAINING_KEYS) if (o[k] !== undefined) specTraining[k] = o[k];
  const system = readObject(ctx, o['system'], [...path, 'system'], false);
  if (system) checkKeys(ctx, system, SYSTEM_KEYS, [...path, 'system']);
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

  let degrees: CampaignTraining['degrees'];
  const facts: NonNullable<CampaignTraining['facts']> = {};
  const par = readObject(ctx, o['parallel'], [...path, 'parallel'], false);
  if (par) {
    const at = [...path, 'parallel'];
    checkKeys(ctx, par, [...DEGREE_KEYS, ...FACT_KEYS], at);
    const epDispatch = readEnum(ctx, par, 'epDispatch', at, ['alltoall', 'deepep'] as const);
    if (epDispatch !== undefined) facts.epDispatch = epDispatch;
    const epCommOverlap = readBoolean(ctx, par, 'epCommOverlap', at);
    if (epCommOverlap !== undefined) facts.epCommOverlap = epCommOverlap;
  }
  if (par && DEGREE_KEYS.some((k) => par[k] !== undefined)) {
    const at = [...path, 'parallel'];
    const deg = (k: string, required: boolean) => readNumber(ctx, par, k, at, { required, integer: true, min: 1, max: 1_000_000 });
    const tp = deg('tp', true);
    const pp = deg('pp', true);
    const cp = deg('cp', false) ?? 1;
    const ep = deg('ep', false) ?? 1;
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
  if (!spec.ok || tokens === undefined) return undefined;
  const s = spec.spec;
  const out: CampaignTraining = {
    model: s.model,
    seqLen: s.training.seqLen,
    globalBatch: s.training.globalBatch,
    precision: s.training.precision,
    attention: s.training.attention,
    facts,
    tokens,
    startFraction,
    replanGrowth,
    fleet,
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
