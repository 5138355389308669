import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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
}

/** `colossus run [SCENARIO] [--json] [--db PATH] [--report PATH] [--seed N]`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Play a campaign: chip deliveries → build-out → training through failures → time-to-model, energy, cost (saved, with an HTML report)')
    .argument('[scenario]', 'campaign scenario (YAML or JSON); default: the bundled scenarios/colossus.yaml')
    .option('--json', 'print the result as JSON')
    .option('--db <path>', 'run store (SQLite)', defaultStorePath)
    .option('--report <path>', 'write the HTML report here (default: next to the store)')
    .option('--seed <n>', 'random seed of the failure simulation (overrides the scenario)')
    .option('--fleet <mode>', 'how mixed GPU types train (overrides the scenario): combined (one job on the slowest type\'s plan), mixed (the mixed-fleet planner), separate (one job per type)')
    .option('--tokens <n>', 'token budget of the model (overrides the scenario), e.g. 150e12')
    .option('--calibration <profile>', 'plan with the efficiencies measured by `colossus calibrate` for the profile\'s GPU')
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

/** Where the report goes when `--report` is not given: beside the store, `<store name>-report.html`. */
export function defaultReportPath(dbPath: string): string {
  const base = basename(dbPath, extname(dbPath)) || 'colossus';
  return join(dirname(dbPath), `${base}-report.html`);
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
  const doc = readDocumentFile(scenarioFile);
  const cal = opts.calibration !== undefined ? loadCalibration(opts.calibration) : undefined;
  const parsed = parseCampaignScenarioOrThrow(doc, seed !== undefined ? { seed } : {});
  const input = withOverrides(parsed, opts);
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
  const dbPath = opts.db ?? defaultStorePath;
  const dbDir = dirname(resolve(dbPath));
  if (!existsSync(dbDir)) throw new CliError(`cannot open the run store ${dbPath}: no such directory ${dbDir}`);
  let runId: string;
  let createdAt: string;
  const record: RunInput = campaignRunRecord(result, input, scenarioFile === bundledScenarioPath ? 'scenarios/colossus.yaml (bundled)' : scenarioFile);
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
  const reportPath = opts.report ?? defaultReportPath(dbPath);
  try {
    mkdirSync(dirname(resolve(reportPath)), { recursive: true });
    writeFileSync(reportPath, renderCampaignReport(result, { runId, createdAt }));
  } catch (err) {
    throw new CliError(`run ${runId} was saved, but the report could not be written to ${reportPath}: ${(err as Error).message}`);
  }
  if (opts.json) printJson({ runId, createdAt, report: reportPath, ...result });
  else process.stdout.write(formatCampaignSummary(result, { runId, storePath: dbPath, reportPath }));
}
