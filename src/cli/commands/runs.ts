import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CampaignResult } from '../../campaign/index.js';
import { fixed, formatCampaignSummary, int, pct, renderCampaignReport, usd } from '../../report/index.js';
import { defaultStorePath, type RunListing, type RunStore, type StoredRun } from '../../store/index.js';
import { CliError } from '../errors.js';
import { table } from '../format.js';
import { printJson } from '../io.js';
import { openRunStore } from './run.js';

interface RunsOptions {
  json?: boolean;
  db?: string;
  report?: string;
}

type Summary = Partial<Record<string, number | string | null>>;

/** `colossus runs list|show|compare|delete [--json] [--db PATH]`. */
export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('List, show, compare and delete the runs saved by `colossus run`');
  const db = (c: Command): Command => c.option('--json', 'print JSON').option('--db <path>', 'run store (SQLite)', defaultStorePath);
  db(runs.command('list').description('list saved runs, newest first')).action((opts: RunsOptions) => {
    listRuns(opts);
  });
  db(runs.command('show').description('show one run').argument('<id>', 'run id'))
    .option('--report <path>', 'also write its HTML report here')
    .action((id: string, opts: RunsOptions) => {
      showRun(id, opts);
    });
  db(runs.command('compare').description('compare runs side by side').argument('<ids...>', 'two or more run ids')).action((ids: string[], opts: RunsOptions) => {
    compareRuns(ids, opts);
  });
  db(runs.command('delete').description('delete a run').argument('<id>', 'run id')).action((id: string, opts: RunsOptions) => {
    deleteRun(id, opts);
  });
}

function withStore<T>(opts: RunsOptions, fn: (store: RunStore) => T): T | undefined {
  const path = opts.db ?? defaultStorePath;
  if (!existsSync(path)) return undefined; // nothing saved yet: do not create an empty store
  const store = openRunStore(path);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function getRun(store: RunStore | undefined, id: string): StoredRun {
  const run = store?.getRun(id);
  if (!run) throw new CliError(`no run ${id} in the store (see colossus runs list)`);
  return run;
}

const summaryOf = (run: RunListing): Summary => (run.summary ?? {}) as Summary;
const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const dayText = (v: unknown): string => (n(v) !== undefined ? `day ${fixed(n(v) ?? 0, 1)}` : '—');

function listRuns(opts: RunsOptions): void {
  const runs = withStore(opts, (s) => s.listRuns()) ?? [];
  if (opts.json) {
    printJson(runs.map((r) => ({ runId: r.id, createdAt: r.createdAt, name: r.name, summary: r.summary })));
    return;
  }
  if (runs.length === 0) {
    process.stdout.write(`no runs in ${opts.db ?? defaultStorePath} (colossus run saves one)\n`);
    return;
  }
  const rows = runs.map((r) => {
    const s = summaryOf(r);
    return [
      r.id,
      r.createdAt.slice(0, 19).replace('T', ' '),
      r.name,
      dayText(s['timeToModelDays']),
      n(s['mfu']) !== undefined ? pct(n(s['mfu']) ?? 0) : '—',
      n(s['ettr']) !== undefined ? pct(n(s['ettr']) ?? 0) : '—',
      n(s['peakGpus']) !== undefined ? int(n(s['peakGpus']) ?? 0) : '—',
      n(s['campaignUsd']) !== undefined ? usd(n(s['campaignUsd']) ?? 0) : '—',
    ];
  });
  process.stdout.write(`${table(['run', 'saved (UTC)', 'scenario', 'time-to-model', 'MFU', 'ETTR', 'GPUs', 'cost'], rows, ['left', 'left', 'left'])}\n`);
}

function showRun(id: string, opts: RunsOptions): void {
  const run = withStore(opts, (s) => getRun(s, id)) ?? getRun(undefined, id);
  const result = run.blobs['result'] as CampaignResult | undefined;
  if (opts.report) {
    if (!result) throw new CliError(`run ${id} has no stored result to report`);
    writeFileSync(opts.report, renderCampaignReport(result, { runId: run.id, createdAt: run.createdAt }));
  }
  if (opts.json) {
    printJson({ runId: run.id, createdAt: run.createdAt, name: run.name, summary: run.summary, ...(result ?? {}) });
    return;
  }
  if (result) process.stdout.write(formatCampaignSummary(result, { runId: run.id, ...(opts.report ? { reportPath: opts.report } : {}) }));
  else process.stdout.write(`${run.id} ${run.name}\n${JSON.stringify(run.summary, null, 2)}\n`);
}

const METRICS: { key: string; label: string; fmt: (v: number) => string }[] = [
  { key: 'timeToModelDays', label: 'time-to-model (day)', fmt: (v) => fixed(v, 1) },
  { key: 'startDay', label: 'training starts (day)', fmt: (v) => fixed(v, 0) },
  { key: 'mfu', label: 'MFU', fmt: (v) => pct(v) },
  { key: 'ettr', label: 'ETTR', fmt: (v) => pct(v) },
  { key: 'tokens', label: 'tokens (T)', fmt: (v) => fixed(v / 1e12, 1) },
  { key: 'interruptions', label: 'interruptions', fmt: (v) => int(v) },
  { key: 'peakGpus', label: 'GPUs at the end', fmt: (v) => int(v) },
  { key: 'energyMwh', label: 'energy (MWh)', fmt: (v) => int(v) },
  { key: 'peakMw', label: 'peak power (MW)', fmt: (v) => fixed(v, 1) },
  { key: 'campaignUsd', label: 'campaign cost', fmt: (v) => usd(v) },
  { key: 'usdPerMillionTokens', label: '$ per million tokens', fmt: (v) => usd(v) },
];

function compareRuns(ids: string[], opts: RunsOptions): void {
  if (ids.length < 2) throw new CliError('compare needs at least two run ids');
  const runs = withStore(opts, (s) => ids.map((id) => getRun(s, id))) ?? ids.map((id) => getRun(undefined, id));
  const summaries = runs.map(summaryOf);
  if (opts.json) {
    const metrics: Record<string, (number | null)[]> = {};
    for (const m of METRICS) metrics[m.key] = summaries.map((s) => n(s[m.key]) ?? null);
    printJson({ runs: runs.map((r) => ({ runId: r.id, name: r.name, createdAt: r.createdAt })), metrics });
    return;
  }
  const header = ['', ...runs.map((r) => `${r.name} (${r.id.slice(-8)})`), `Δ last − first`];
  const rows = METRICS.map((m) => {
    const values = summaries.map((s) => n(s[m.key]));
    const first = values[0];
    const last = values[values.length - 1];
    const delta = first !== undefined && last !== undefined ? `${last - first >= 0 ? '+' : '−'}${m.fmt(Math.abs(last - first))}` : '—';
    return [m.label, ...values.map((v) => (v === undefined ? '—' : m.fmt(v))), delta];
  });
  process.stdout.write(`${table(header, rows)}\n`);
}

function deleteRun(id: string, opts: RunsOptions): void {
  const deleted = withStore(opts, (s) => s.deleteRun(id)) ?? false;
  if (!deleted) throw new CliError(`no run ${id} in the store (see colossus runs list)`);
  if (opts.json) printJson({ runId: id, deleted: true });
  else process.stdout.write(`deleted ${id}\n`);
}
