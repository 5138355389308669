import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CAMPAIGN_STAGES, campaignRunRecord, runCampaign, type CampaignInput, type CampaignStage, type CampaignResult, type FleetMode } from '../../campaign/index.js';
import { InputError, checkedResult } from '../../core/index.js';
import { formatCampaignSummary, renderCampaignReport } from '../../report/index.js';
import { parseCampaignScenarioOrThrow } from '../../scenario/index.js';
import { defaultStorePath, openStore, StoreError, writeRecoveryFile, type RunInput, type RunStore } from '../../store/index.js';
import type { GpuSpec } from '../../catalog/index.js';
import { loadCalibration } from '../calibration-option.js';
import { CliError } from '../errors.js';
import { printJson, readDocumentFile } from '../io.js';
import { addSetOption, applySets, attributing, parseSets, type SetOverride } from '../overrides.js';
import type { SourceDocument } from '../../core/index.js';

/** The bundled Colossus scenario, found next to the package (not the working directory). */
export const bundledScenarioPath = fileURLToPath(new URL('../../../scenarios/colossus.yaml', import.meta.url));

interface RunOptions {
  json?: boolean;
  db?: string;
  report?: string;
  seed?: string;
  fleet?: string;
  tokens?: string;
  calibration?: string;
  set?: string[];
  shiftDeliveries?: string;
  scaleDeliveries?: string;
  shiftPower?: string;
  scalePower?: string;
  spares?: string;
  force?: boolean;
}

/** `colossus run [SCENARIO] [--json] [--db PATH] [--report PATH] [--seed N]`. */
export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('Play a campaign: chip deliveries → build-out → training through failures → time-to-model, energy, cost (saved, with an HTML report)')
    .argument('[scenario]', 'campaign scenario (YAML or JSON); default: the bundled scenarios/colossus.yaml')
    .option('--json', 'print the result as JSON')
    .option('--db <path>', 'run store (SQLite)', defaultStorePath)
    .option('--report <path>', 'write the HTML report here (default: <store name>-report-<runId>.html next to the store)')
    .option('--force', 'replace the --report file if it exists')
    .option('--seed <n>', 'random seed of the failure simulation (overrides the scenario)')
    .option('--fleet <mode>', 'how mixed GPU types train (overrides the scenario): combined (one job on the slowest type\'s plan), mixed (the mixed-fleet planner), separate (one job per type)')
    .option('--tokens <n>', 'token budget of the model (overrides the scenario), e.g. 150e12')
    .option('--calibration <profile>', 'plan with the efficiencies measured by `colossus calibrate` for the profile\'s GPU')
    .option('--shift-deliveries <days>', 'what-if: every delivery N days later (negative: earlier)')
    .option('--scale-deliveries <factor>', 'what-if: every delivery\'s GPU count times F (e.g. 0.5, 1.5)')
    .option('--shift-power <days>', 'what-if: every power phase after day 0 starts N days later')
    .option('--scale-power <factor>', 'what-if: every power phase\'s grid, generation and battery MW times F')
    .option('--spares <nodes>', 'spare nodes held for the training job (reliability.spareNodes)');
  addSetOption(cmd)
    .addHelpText(
      'after',
      `
What-ifs without editing the scenario (validated like the file; the report and the store keep the result):
  colossus run --shift-deliveries 30                   # deliveries slip a month
  colossus run --scale-deliveries 0.5 --tokens 30e12   # half the GPUs, half the budget
  colossus run --shift-power 60 --spares 640
  colossus run --set training.globalBatch=6144 --set 'site.powerPhases=[{startDay: 0, gridMw: 300}]'`,
    )
    .action((file: string | undefined, opts: RunOptions) => {
      runCommand(file, opts);
    });
}

export function parseSeed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InputError([{ path: '--seed', message: 'is not a valid seed', expected: 'an integer >= 0', received: JSON.stringify(value) }]);
  }
  return n;
}

/** Where the report goes when `--report` is not given: beside the store, `<store name>-report-<runId>.html` (one per run, never overwritten). */
export function defaultReportPath(dbPath: string, runId: string): string {
  const base = basename(dbPath, extname(dbPath)) || 'colossus';
  return join(dirname(dbPath), `${base}-report-${runId}.html`);
}

/** Refuse, before anything is computed, a store or report that cannot be written. */
function checkWritable(dbPath: string, reportPath: string | undefined, force: boolean): void {
  const dbDir = dirname(resolve(dbPath));
  if (!existsSync(dbDir)) throw new CliError(`cannot open the run store ${dbPath}: no such directory ${dbDir}`);
  const writable = (p: string): boolean => {
    try {
      accessSync(p, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (existsSync(dbPath) ? !writable(dbPath) : !writable(dbDir)) throw new CliError(`cannot write the run store ${dbPath}: permission denied (nothing was computed)`);
  if (reportPath === undefined) return;
  if (existsSync(reportPath)) {
    if (statSync(reportPath).isDirectory()) throw new CliError(`--report ${reportPath} is a directory`);
    if (!force) throw new CliError(`--report ${reportPath} exists; give another file or --force to replace it (nothing was computed)`);
    if (!writable(reportPath)) throw new CliError(`cannot write the report ${reportPath}: permission denied (nothing was computed)`);
    return;
  }
  let dir = dirname(resolve(reportPath));
  while (!existsSync(dir)) dir = dirname(dir);
  if (!writable(dir)) throw new CliError(`cannot write the report ${reportPath}: ${dir} is not writable (nothing was computed)`);
}

function numberOption(value: string | undefined, flag: string, check: (n: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new InputError([{ path: flag, message: 'is not a valid value', expected, received: JSON.stringify(value) }]);
  return n;
}

/**
 * The campaign what-ifs as overrides of the scenario's own fields, so the scenario parser validates
 * them like the file (a delivery shifted past the horizon is refused with its field path).
 */
export function campaignKnobs(doc: SourceDocument, opts: RunOptions): SetOverride[] {
  const root = doc.value as Record<string, unknown> | null;
  const out: SetOverride[] = [];
  const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const shift = numberOption(opts.shiftDeliveries, '--shift-deliveries', Number.isInteger, 'a whole number of days, e.g. 30 or -14');
  const scale = numberOption(opts.scaleDeliveries, '--scale-deliveries', (n) => n > 0 && n <= 100, 'a factor > 0, e.g. 0.5 or 2');
  if ((shift !== undefined || scale !== undefined) && !Array.isArray(obj(root)?.['deliveries'])) {
    throw new InputError([{ path: shift !== undefined ? '--shift-deliveries' : '--scale-deliveries', message: 'needs a scenario with a deliveries list', expected: 'deliveries: [...] (this scenario allocates GPUs from a market: edit supply instead)' }]);
  }
  list(obj(root)?.['deliveries']).forEach((d, i) => {
    const item = obj(d);
    if (!item) return;
    if (shift !== undefined) {
      for (const k of ['day', 'fromDay', 'toDay']) {
        if (typeof item[k] === 'number') out.push({ text: `--shift-deliveries ${shift}`, path: ['deliveries', i, k], value: (item[k] as number) + shift });
      }
    }
    if (scale !== undefined && typeof item['gpus'] === 'number') out.push({ text: `--scale-deliveries ${scale}`, path: ['deliveries', i, 'gpus'], value: Math.max(1, Math.round((item['gpus'] as number) * scale)) });
  });
  const shiftP = numberOption(opts.shiftPower, '--shift-power', Number.isInteger, 'a whole number of days, e.g. 60');
  const scaleP = numberOption(opts.scalePower, '--scale-power', (n) => n > 0 && n <= 100, 'a factor > 0, e.g. 0.8 or 1.5');
  const phases = list(obj(obj(root)?.['site'])?.['powerPhases']);
  if ((shiftP !== undefined || scaleP !== undefined) && phases.length === 0) {
    throw new InputError([{ path: shiftP !== undefined ? '--shift-power' : '--scale-power', message: 'needs a scenario with site.powerPhases', expected: 'site.powerPhases: [{ startDay, gridMw, ... }]' }]);
  }
  phases.forEach((ph, i) => {
    const item = obj(ph);
    if (!item) return;
    if (shiftP !== undefined && typeof item['startDay'] === 'number' && item['startDay'] > 0) {
      out.push({ text: `--shift-power ${shiftP}`, path: ['site', 'powerPhases', i, 'startDay'], value: Math.max(1, (item['startDay'] as number) + shiftP) });
    }
    if (scaleP !== undefined) {
      for (const k of ['gridMw', 'generationMw', 'batteryMw']) {
        if (typeof item[k] === 'number') out.push({ text: `--scale-power ${scaleP}`, path: ['site', 'powerPhases', i, k], value: (item[k] as number) * scaleP });
      }
    }
  });
  const spares = numberOption(opts.spares, '--spares', (n) => Number.isInteger(n) && n >= 0, 'a whole number of nodes >= 0');
  if (spares !== undefined) out.push({ text: `--spares ${spares}`, path: ['reliability', 'spareNodes'], value: spares });
  return out;
}

/** Open the store, turning its errors into CLI errors (no stack trace). */
export function openRunStore(path: string): RunStore {
  try {
    return openStore(path);
  } catch (err) {
    if (err instanceof StoreError) throw new CliError(err.message);
    throw err;
  }
}

/** The summary stored with a run (what `runs list` shows). */
function progressBar(): { stage: (name: string, index: number, total: number) => void; clear: () => void } {
  let shown = false;
  return {
    stage(name, index, total) {
      const width = 24;
      const filled = Math.round((index / total) * width);
      process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${index + 1}/${total} ${name}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

/** `--fleet` and `--tokens` replace the scenario's values (what-ifs without editing the file). */
function withOverrides(input: CampaignInput, opts: RunOptions): CampaignInput {
  let training = input.training;
  if (opts.fleet !== undefined) {
    if (!['combined', 'mixed', 'separate'].includes(opts.fleet)) {
      throw new InputError([{ path: '--fleet', message: 'is not a fleet mode', expected: 'combined, mixed or separate', received: JSON.stringify(opts.fleet) }]);
    }
    training = { ...training, fleet: opts.fleet as FleetMode };
  }
  if (opts.tokens !== undefined) {
    const n = Number(opts.tokens);
    if (!Number.isFinite(n) || n <= 0 || n > 1e18) {
      throw new InputError([{ path: '--tokens', message: 'is not a token budget', expected: 'a number > 0, e.g. 150e12', received: JSON.stringify(opts.tokens) }]);
    }
    training = { ...training, tokens: n };
  }
  return training === input.training ? input : { ...input, training };
}

function runCommand(file: string | undefined, opts: RunOptions): void {
  const seed = parseSeed(opts.seed);
  const scenarioFile = file ?? bundledScenarioPath;
  // Everything that can refuse the input happens before the store is opened: a bad scenario leaves it untouched.
  const file0 = readDocumentFile(scenarioFile);
  const sets = [...parseSets(opts.set), ...campaignKnobs(file0, opts)];
  const doc = applySets(file0, sets);
  const cal = opts.calibration !== undefined ? loadCalibration(opts.calibration) : undefined;
  const parsed = attributing(sets, () => parseCampaignScenarioOrThrow(doc, seed !== undefined ? { seed } : {}));
  const input = withOverrides(parsed, opts);
  const dbPath = opts.db ?? defaultStorePath;
  // The store's folder and the report's path are checked before anything is computed.
  checkWritable(dbPath, opts.report, opts.force === true);
  const bar = process.stderr.isTTY ? progressBar() : undefined;
  let result: CampaignResult;
  try {
    result = runCampaign(input, {
      ...(bar ? { onProgress: (stage: CampaignStage, i: number) => bar.stage(stage, i, CAMPAIGN_STAGES.length + 1) } : {}),
      ...(cal ? { effFor: (gpu: GpuSpec) => cal.effFor(gpu.id) } : {}),
    });
    checkedResult('campaign', result, [], 'the scenario\'s build-out, energy and training');
    bar?.stage('saving', CAMPAIGN_STAGES.length, CAMPAIGN_STAGES.length + 1);
  } finally {
    bar?.clear();
  }
  let runId: string;
  let createdAt: string;
  const source = `${scenarioFile === bundledScenarioPath ? 'scenarios/colossus.yaml (bundled)' : scenarioFile}${sets.length ? ` ${sets.map((s) => s.text).filter((t, i, a) => a.indexOf(t) === i).join(' ')}` : ''}`;
  const record: RunInput = campaignRunRecord(result, input, source);
  let store: RunStore | undefined;
  try {
    store = openStore(dbPath);
    ({ id: runId, createdAt } = store.saveRun(record));
  } catch (err) {
    if (err instanceof StoreError) {
      // The computed run is never thrown away: it goes to a file `colossus runs import` saves later.
      let where: string;
      try {
        const file = writeRecoveryFile(dbPath, record, err.message);
        where = `it was written to ${file}; save it later with: colossus runs import ${file} --db ${dbPath}`;
      } catch (writeErr) {
        where = `and no recovery file could be written either (${(writeErr as Error).message})`;
      }
      throw new CliError(`${err.message}\nthe run was computed but not saved: ${where}`);
    }
    throw err;
  } finally {
    store?.close();
  }
  const reportPath = opts.report ?? defaultReportPath(dbPath, runId);
  try {
    mkdirSync(dirname(resolve(reportPath)), { recursive: true });
    writeFileSync(reportPath, renderCampaignReport(result, { runId, createdAt }));
  } catch (err) {
    throw new CliError(`run ${runId} was saved, but the report could not be written to ${reportPath}: ${(err as Error).message}`);
  }
  if (opts.json) printJson({ runId, createdAt, report: reportPath, ...result });
  else process.stdout.write(formatCampaignSummary(result, { runId, storePath: dbPath, reportPath }));
}
