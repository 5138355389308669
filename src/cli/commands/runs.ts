import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CampaignResult, Milestone } from '../../campaign/index.js';
import { fixed, formatCampaignSummary, int, pct, renderCampaignReport, usd } from '../../report/index.js';
import { defaultStorePath, runFromRecovery, type DamagedRun, type RunListing, type RunStore, type StoredRun } from '../../store/index.js';
import { CliError } from '../errors.js';
import { table } from '../format.js';
import { printJson } from '../io.js';
import { openRunStore } from './run.js';

interface RunsOptions {
  json?: boolean;
  db?: string;
  report?: string;
  force?: boolean;
}

type Summary = Partial<Record<string, number | string | null>>;

/** `colossus runs list|show|compare|delete [--json] [--db PATH]`. */
export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('List, show, compare and delete the runs saved by `colossus run`');
  const db = (c: Command): Command => c.option('--json', 'print JSON').option('--db <path>', 'run store (SQLite)', defaultStorePath);
  db(runs.command('list').description('list saved runs, newest first')).action((opts: RunsOptions) => {
    listRuns(opts);
  });
  db(runs.command('show').description('show one run').argument('<id>', 'run id, a unique prefix or its last 8 characters, or latest (latest~1 the one before)'))
    .option('--report <path>', 'also write its HTML report here')
    .option('--force', 'replace the --report file if it exists')
    .action((id: string, opts: RunsOptions) => {
      showRun(id, opts);
    });
  db(runs.command('compare').description('compare runs side by side').argument('<ids...>', 'two or more run ids (prefixes, latest, latest~1 ...)')).action((ids: string[], opts: RunsOptions) => {
    compareRuns(ids, opts);
  });
  db(runs.command('delete').description('delete a run').argument('<id>', 'run id (a unique prefix, or latest)')).action((id: string, opts: RunsOptions) => {
    deleteRun(id, opts);
  });
  db(runs.command('check').description('read every run back and run SQLite\'s integrity check; exit 1 if anything is damaged')).action((opts: RunsOptions) => {
    checkStore(opts);
  });
  db(runs.command('repair').description('move damaged runs out of the store into a JSON Lines file (nothing is deleted unread)')).action((opts: RunsOptions) => {
    repairStore(opts);
  });
  db(runs.command('import').description('save a run that could not be saved earlier (the recovery file `colossus run` wrote)').argument('<file>', 'recovery file')).action(
    (file: string, opts: RunsOptions) => {
      importRun(file, opts);
    },
  );
}

function warnDamaged(damaged: readonly DamagedRun[], opts: RunsOptions): void {
  if (damaged.length === 0) return;
  const ids = [...new Set(damaged.map((d) => d.id))];
  process.stderr.write(
    `warning: ${ids.length} damaged run${ids.length === 1 ? '' : 's'} skipped (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}); see colossus runs check --db ${opts.db ?? defaultStorePath}\n`,
  );
}

function checkStore(opts: RunsOptions): void {
  const report = withStore(opts, (s) => s.check()) ?? { integrity: [], damaged: [], runs: 0 };
  const ok = report.integrity.length === 0 && report.damaged.length === 0;
  if (opts.json) printJson({ ok, ...report });
  else {
    process.stdout.write(`${report.runs} run${report.runs === 1 ? '' : 's'} in ${opts.db ?? defaultStorePath}: ${ok ? 'all readable, integrity ok' : 'damage found'}\n`);
    for (const m of report.integrity) process.stdout.write(`  integrity: ${m}\n`);
    for (const d of report.damaged) process.stdout.write(`  run ${d.id}, ${d.part}: ${d.problem}\n`);
    if (!ok) process.stdout.write(`  (colossus runs repair --db ${opts.db ?? defaultStorePath} moves the damaged runs to a file)\n`);
  }
  if (!ok) process.exitCode = 1;
}

function repairStore(opts: RunsOptions): void {
  const path = opts.db ?? defaultStorePath;
  const result =
    withStore(opts, (s) => {
      const { damaged } = s.check();
      const ids = [...new Set(damaged.map((d) => d.id))];
      if (ids.length === 0) return { ids, file: undefined };
      // Keep what can still be read of each damaged run, with the reasons, before removing it.
      const lines = ids.map((id) => {
        let partial: unknown;
        try {
          partial = s.getRun(id);
        } catch (err) {
          partial = { error: (err as Error).message };
        }
        return JSON.stringify({ id, damaged: damaged.filter((d) => d.id === id), readable: partial ?? null });
      });
      const file = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
      writeFileSync(file, `${lines.join('\n')}\n`, { flag: 'wx' });
      for (const id of ids) s.deleteRun(id);
      return { ids, file };
    }) ?? { ids: [], file: undefined };
  if (opts.json) printJson({ moved: result.ids, file: result.file ?? null });
  else if (result.ids.length === 0) process.stdout.write(`nothing to repair in ${path}\n`);
  else process.stdout.write(`moved ${result.ids.length} damaged run${result.ids.length === 1 ? '' : 's'} (${result.ids.join(', ')}) to ${result.file}\n`);
}

function importRun(file: string, opts: RunsOptions): void {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read the recovery file ${file}: ${(err as Error).message}`);
  }
  const parsed = runFromRecovery(value);
  if (!parsed.ok) throw new CliError(`${file} ${parsed.problem}`);
  const store = openRunStore(opts.db ?? defaultStorePath);
  let saved: { id: string; createdAt: string };
  try {
    saved = store.saveRun(parsed.run);
  } catch (err) {
    throw new CliError((err as Error).message);
  } finally {
    store.close();
  }
  if (opts.json) printJson({ runId: saved.id, createdAt: saved.createdAt });
  else process.stdout.write(`saved ${parsed.run.name} as run ${saved.id} in ${opts.db ?? defaultStorePath} (${file} can be deleted)\n`);
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

/** A run reference: a full id, `latest` / `latest~N` (newest first), a unique prefix, or the id's random suffix. */
export function resolveRunId(ids: readonly string[], ref: string): string {
  const latest = /^latest(?:~(\d+))?$/.exec(ref);
  if (latest) {
    const k = Number(latest[1] ?? 0);
    const id = ids[k];
    if (id === undefined) throw new CliError(ids.length === 0 ? 'no runs in the store yet (colossus run saves one)' : `${ref}: the store has only ${ids.length} run(s)`);
    return id;
  }
  if (ids.includes(ref)) return ref;
  const matches = ids.filter((id) => ref.length >= 4 && (id.startsWith(ref) || id.endsWith(ref)));
  if (matches.length === 1) return matches[0] as string;
  if (matches.length > 1) throw new CliError(`${ref} matches ${matches.length} runs (${matches.slice(0, 4).join(', ')}${matches.length > 4 ? ', ...' : ''}): give more of the id`);
  throw new CliError(`no run ${ref} in the store (see colossus runs list)`);
}

function getRun(store: RunStore | undefined, ref: string): StoredRun {
  const id = store ? resolveRunId(store.listRuns().map((r) => r.id), ref) : undefined;
  const run = id !== undefined ? store?.getRun(id) : undefined;
  if (!run) throw new CliError(`no run ${ref} in the store (see colossus runs list)`);
  if (run.damaged) process.stderr.write(`warning: parts of run ${run.id} are damaged and left out: ${run.damaged.map((d) => d.part).join(', ')} (see colossus runs check)\n`);
  return run;
}

const summaryOf = (run: RunListing): Summary => (run.summary ?? {}) as Summary;
const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const dayText = (v: unknown): string => (n(v) !== undefined ? `day ${fixed(n(v) ?? 0, 1)}` : '—');

function listRuns(opts: RunsOptions): void {
  const runs =
    withStore(opts, (s) => {
      const list = s.listRuns();
      warnDamaged(s.damaged(), opts);
      return list;
    }) ?? [];
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

function showRun(ref: string, opts: RunsOptions): void {
  const run = withStore(opts, (s) => getRun(s, ref)) ?? getRun(undefined, ref);
  const id = run.id;
  const result = run.blobs['result'] as CampaignResult | undefined;
  if (opts.report) {
    if (!result) throw new CliError(`run ${id} has no stored result to report`);
    if (existsSync(opts.report) && !opts.force) throw new CliError(`--report ${opts.report} exists; give another file or --force to replace it`);
    writeFileSync(opts.report, renderCampaignReport(result, { runId: run.id, createdAt: run.createdAt }));
  }
  if (opts.json) {
    printJson({ runId: run.id, createdAt: run.createdAt, name: run.name, summary: run.summary, ...(result ?? {}) });
    return;
  }
  if (result) process.stdout.write(formatCampaignSummary(result, { runId: run.id, ...(opts.report ? { reportPath: opts.report } : {}) }));
  else process.stdout.write(`${run.id} ${run.name}\n${JSON.stringify(run.summary, null, 2)}\n`);
}

const METRICS: { key: string; label: string; fmt: (v: number) => string; delta?: (v: number) => string }[] = [
  { key: 'timeToModelDays', label: 'time-to-model (day)', fmt: (v) => fixed(v, 1), delta: (v) => `${fixed(v, 1)} days` },
  { key: 'startDay', label: 'training starts (day)', fmt: (v) => fixed(v, 0), delta: (v) => `${fixed(v, 0)} days` },
  { key: 'mfu', label: 'MFU', fmt: (v) => pct(v), delta: (v) => `${fixed(v * 100, 1)} points` },
  { key: 'ettr', label: 'ETTR', fmt: (v) => pct(v), delta: (v) => `${fixed(v * 100, 1)} points` },
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
  const milestones = milestoneRows(runs);
  if (opts.json) {
    const metrics: Record<string, (number | null)[]> = {};
    for (const m of METRICS) metrics[m.key] = summaries.map((s) => n(s[m.key]) ?? null);
    printJson({ runs: runs.map((r) => ({ runId: r.id, name: r.name, createdAt: r.createdAt })), metrics, milestones });
    return;
  }
  const header = ['', ...runs.map((r) => `${r.name} (${r.id.slice(-8)})`), `Δ last − first`];
  const rows = METRICS.map((m) => {
    const values = summaries.map((s) => n(s[m.key]));
    const first = values[0];
    const last = values[values.length - 1];
    const delta = first !== undefined && last !== undefined ? `${last - first >= 0 ? '+' : '−'}${(m.delta ?? m.fmt)(Math.abs(last - first))}` : '—';
    return [m.label, ...values.map((v) => (v === undefined ? '—' : m.fmt(v))), delta];
  });
  process.stdout.write(`${table(header, rows)}\n`);
  if (milestones.length > 0) {
    const mRows = milestones.map((m) => {
      const first = m.days[0];
      const last = m.days[m.days.length - 1];
      const delta = first != null && last != null ? `${last - first >= 0 ? '+' : '−'}${fixed(Math.abs(last - first), 1)} days` : '—';
      return [m.label, ...m.days.map((d) => (d == null ? '—' : `day ${fixed(d, 1)}`)), delta];
    });
    process.stdout.write(`\n${table(['milestone', ...header.slice(1)], mRows)}\n`);
  }
}

/** The runs' milestones side by side, by label, in the order they first happen; null where a run never reached one. */
function milestoneRows(runs: readonly StoredRun[]): { label: string; kind: string; days: (number | null)[] }[] {
  const rows = new Map<string, { label: string; kind: string; days: (number | null)[]; first: number }>();
  runs.forEach((run, i) => {
    const ms = ((run.blobs['result'] as CampaignResult | undefined)?.milestones ?? []) as Milestone[];
    for (const m of ms) {
      let row = rows.get(m.label);
      if (!row) rows.set(m.label, (row = { label: m.label, kind: m.kind, days: runs.map(() => null), first: m.day }));
      row.days[i] = m.day;
      row.first = Math.min(row.first, m.day);
    }
  });
  return [...rows.values()].sort((a, b) => a.first - b.first).map(({ label, kind, days }) => ({ label, kind, days }));
}

function deleteRun(ref: string, opts: RunsOptions): void {
  let id = ref;
  const deleted = withStore(opts, (s) => s.deleteRun((id = resolveRunId(s.listRuns().map((r) => r.id), ref)))) ?? false;
  if (!deleted) throw new CliError(`no run ${id} in the store (see colossus runs list)`);
  if (opts.json) printJson({ runId: id, deleted: true });
  else process.stdout.write(`deleted ${id}\n`);
}
