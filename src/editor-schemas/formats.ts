import type * as v from 'valibot';
import { CalibrationProfileSchema, parseProfileValue } from '../calibration/index.js';
import { isRecord, type SourceDocument } from '../core/index.js';
import { campaignScenarioSchema, parseCampaignScenario } from '../scenario/index.js';
import { resolveStepTimeS } from '../search/job-step-time.js';
import { SimScenarioFileSchema, parseScenario } from '../sim/index.js';
import { SpecFileSchema, parseSpecValue } from '../spec/index.js';
import { SweepFileSchema, parseSweepDocument } from '../sweep/index.js';

/** One input format: its schema, where its JSON Schema is written, and the files in the repository that are examples of it. */
export interface InputFormat {
  /** File name stem: schemas/<name>.schema.json. */
  name: string;
  title: string;
  description: string;
  schema: v.GenericSchema;
  /** Example files (repository-relative) of this format. */
  examples: (file: string) => boolean;
  /** The project's own parser: issues as formatted lines, empty when the document is valid. */
  parse(doc: SourceDocument): string[];
}

function issuesOf(r: { ok: true } | { ok: false; issues: { path: string; message: string }[] }): string[] {
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

export const INPUT_FORMATS: readonly InputFormat[] = [
  {
    name: 'spec',
    title: 'colossus spec',
    description: 'One training job on one system (`colossus estimate`, `colossus search`): the model, the system, the training run and the parallel plan (left out or partial for search).',
    schema: SpecFileSchema,
    examples: (f) => /^examples\/.*\.ya?ml$/.test(f),
    // A spec without `parallel` is a search's (estimate needs the plan).
    parse: (doc) => issuesOf(parseSpecValue(doc.value, doc, [], { planOptional: !(isRecord(doc.value) && doc.value['parallel'] !== undefined) })),
  },
  {
    name: 'calibration-profile',
    title: 'colossus calibration profile',
    description: 'What calibration/probe.py measured on one GPU (docs/calibrate.md): GEMM, attention and memory-bandwidth tables.',
    schema: CalibrationProfileSchema,
    examples: (f) => /^calibration\/fixtures\/.*\.json$/.test(f),
    parse: (doc) => issuesOf(parseProfileValue(doc.value, doc)),
  },
  {
    name: 'sweep',
    title: 'colossus sweep',
    description: 'A grid of specs (`colossus sweep`): a base spec and axes over dotted spec field paths; points without a plan are searched.',
    schema: SweepFileSchema,
    examples: (f) => /^scenarios\/sweep-.*\.ya?ml$/.test(f),
    parse: (doc) => issuesOf(parseSweepDocument(doc)),
  },
  {
    name: 'campaign-scenario',
    title: 'colossus campaign scenario',
    description: 'A `colossus run` scenario (docs/campaign.md): deliveries or a market supply, the site, the training job, reliability and energy.',
    schema: campaignScenarioSchema(),
    examples: (f) => /^scenarios\/colossus.*\.ya?ml$/.test(f),
    parse: (doc) => issuesOf(parseCampaignScenario(doc, doc.value)),
  },
  {
    name: 'sim-scenario',
    title: 'colossus simulation scenario',
    description: 'A `colossus simulate` scenario (docs/simulate.md): the cluster, the job, and its failure model, restart and checkpoints.',
    schema: SimScenarioFileSchema,
    examples: (f) => /^scenarios\/sim-.*\.ya?ml$/.test(f),
    parse: (doc) => issuesOf(parseScenario(doc, doc.value, { resolveStepTimeS })),
  },
];

/** The committed JSON Schema file of a format, relative to the repository root. */
export function schemaFile(format: InputFormat): string {
  return `schemas/${format.name}.schema.json`;
}
