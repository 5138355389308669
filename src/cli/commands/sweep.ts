import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, isRecord, type Issue } from '../../core/index.js';
import { plottableAxes, renderSweepPlot } from '../../report/render-sweep-plot.js';
import { sweepScalingSeries } from '../../report/scaling-chart.js';
import type { SweepRow } from '../../sweep/row.js';
import { readShardRows } from '../../sweep/node/read-shard.js';
import { formatShard, parseShard, parseSweep, pointAxes, pointId, shardPoints, WHOLE, type Shard } from '../../sweep/index.js';
import { jsonlStreamSink } from '../../sweep/node/jsonl-sink.js';
import { mergeShardFiles } from '../../sweep/node/merge-files.js';
import { openFileSink } from '../../sweep/node/open-sink.js';
import { progressBar } from '../../sweep/node/progress-bar.js';
import type { RowSink } from '../../sweep/node/row-sink.js';
import { runSweep, type SweepRunSummary } from '../../sweep/node/run-sweep.js';
import { printJson, readDocumentWithSets } from '../io.js';
import { addSetOption, attributing } from '../overrides.js';
import { intOption } from '../options.js';

interface SweepOptions {
  shard?: string;
  out?: string;
  threads?: string;
  json?: boolean;
  list?: boolean;
  set?: string[];
}

/**
 * `colossus sweep SWEEP [--shard i/N] [--out FILE.jsonl|FILE.db] [--threads N] [--json] [--list]`
 * and `colossus sweep merge OUT IN...` (or `--out OUT IN...`).
 */
export function registerSweep(program: Command): void {
  const sweep = program
    .command('sweep')
    .description('Run a grid of specs (GPU type × count × network × model ...) on worker threads; shard it across machines')
    .argument('<sweep>', 'sweep file (YAML or JSON): a base spec and a grid of axes; - reads standard input')
    .option('--shard <i/N>', 'run only the points k with k mod N = i (0 <= i < N)')
    .option('--out <file>', 'write rows to FILE: .db/.sqlite/.sqlite3 for SQLite, anything else for JSON Lines (default: JSON Lines on stdout)')
    .option('--threads <n>', 'threads, this one included: it computes points while N-1 workers start (default: all cores; 1 = this thread only)')
    .option('--json', 'print the run summary as JSON (without --out: the summary and the rows as one JSON object)')
    .option('--list', 'list the points (of the shard) without running them');
  addSetOption(sweep)
    .addHelpText(
      'after',
      `
Points without a \`parallel\` plan get the best plan of the search; points with one get its estimate.
Point k belongs to shard k mod N; \`colossus sweep merge\` checks that the shards are complete and of
one sweep and writes exactly what an unsharded run writes.

Examples:
  colossus sweep scenarios/sweep-example.yaml --out results.jsonl
  colossus sweep scenarios/sweep-example.yaml --shard 2/8 --out shard-2.jsonl
  colossus sweep merge --out results.jsonl shard-*.jsonl`,
    )
    .action(async (file: string, opts: SweepOptions) => {
      await sweepCommand(file, opts);
    });

  sweep
    .command('merge')
    .description('Merge shard outputs into what one unsharded run writes (refuses missing, duplicate or foreign shards)')
    .argument('<files...>', 'OUT IN1 IN2 ... (or, with --out, only the inputs)')
    .option('--out <file>', 'the merged output: .db/.sqlite/.sqlite3 for SQLite, anything else for JSON Lines')
    .option('--json', 'print the merge summary as JSON')
    .option('--force', 'overwrite the output if it exists')
    .action((files: string[], _opts: unknown, cmd: Command) => {
      // The program parses options anywhere on the line, so `sweep merge --out X` fills the
      // parent's --out: read both (merge declares them too, for its help).
      const opts = cmd.optsWithGlobals<{ out?: string; json?: boolean; force?: boolean }>();
      const out = opts.out ?? files[0];
      const inputs = opts.out !== undefined ? files : files.slice(1);
      if (out === undefined || inputs.length === 0) {
        throw new InputError([{ path: 'inputs', message: 'are missing', expected: 'colossus sweep merge --out OUT IN1 [IN2 ...]' }]);
      }
      checkMergeOutput(out, inputs, opts.force === true, opts.out !== undefined);
      const summary = mergeShardFiles(out, inputs);
      if (opts.json) printJson(summary);
      else process.stdout.write(`merged ${summary.inputs} shard output(s): ${summary.points} points of sweep ${summary.sweep} → ${summary.out}\n`);
    });
  registerSweepPlot(sweep);
}

/**
 * `colossus sweep plot ROWS... [--x PATH]... [--out FILE.html] [--force] [--json]`: the rows of a
 * sweep (JSON Lines or SQLite, shards together) plotted as tokens/s per GPU and MFU along its numeric
 * axes (GPU count, network bandwidth...), one curve per combination of the other axes.
 */
export function registerSweepPlot(sweep: Command): void {
  sweep
    .command('plot')
    .description('Plot a sweep\'s rows: tokens/s per GPU and MFU vs GPU count, network bandwidth or any numeric axis (an HTML page with SVG charts)')
    .argument('<rows...>', 'sweep outputs (JSON Lines or SQLite; shards may be given together)')
    .option('--x <path>', 'the axis to plot along (repeatable; default: every numeric axis, GPU count and bandwidth first)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--out <file>', 'the HTML page (default: <first rows file>-plot.html beside it)')
    .option('--force', 'replace the --out file if it exists')
    .option('--json', 'print the curves as JSON instead of writing a page')
    .addHelpText('after', '\nExamples:\n  colossus sweep scenarios/sweep-example.yaml --out results.jsonl\n  colossus sweep plot results.jsonl                        # results-plot.html\n  colossus sweep plot results.jsonl --x system.gpus --out gpus.html')
    .action((files: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ x?: string[]; out?: string; json?: boolean; force?: boolean }>();
      const rows = readSweepRows(files);
      const axes = plottableAxes(rows);
      const xs = opts.x ?? axes;
      const bad = xs.filter((x) => !axes.includes(x));
      if (bad.length > 0 || xs.length === 0) {
        throw new InputError([{ path: '--x', message: xs.length === 0 ? 'has no numeric axis to plot along' : `is not a numeric axis of this sweep: ${bad.join(', ')}`, expected: axes.length ? `one of ${axes.join(', ')}` : 'a sweep with a numeric axis that takes several values' }]);
      }
      if (opts.json) {
        printJson({ axes: xs, rows: rows.length, answered: rows.filter((r) => r.ok).length, curves: Object.fromEntries(xs.map((x) => [x, sweepCurves(rows, x)])) });
        return;
      }
      const first = files[0] ?? 'sweep';
      const out = opts.out ?? join(dirname(first), `${basename(first, extname(first))}-plot.html`);
      if (files.some((f) => resolve(f) === resolve(out))) throw new InputError([{ path: '--out', file: out, message: 'is one of the rows files', expected: 'an .html file that is not an input' }]);
      if (existsSync(out) && opts.force !== true) throw new InputError([{ path: '--out', file: out, message: 'exists and would be overwritten', expected: 'a new file, or --force to replace it' }]);
      mkdirSync(dirname(resolve(out)), { recursive: true });
      writeFileSync(out, renderSweepPlot(rows, xs, `sweep ${first}`));
      process.stdout.write(`plotted ${rows.filter((r) => r.ok).length} of ${rows.length} points along ${xs.join(', ')} → ${out}\n`);
    });
}

function sweepCurves(rows: readonly SweepRow[], x: string): unknown {
  return sweepScalingSeries(rows, x).series;
}

/** The rows of sweep outputs; a line that is not a sweep row is an issue naming its file and line. */
export function readSweepRows(files: readonly string[]): SweepRow[] {
  const rows: SweepRow[] = [];
  const issues: Issue[] = [];
  for (const f of files) {
    readShardRows(f).lines.forEach((text, i) => {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        v = undefined;
      }
      if (!isRecord(v) || !isRecord(v['axes']) || typeof v['ok'] !== 'boolean' || (v['ok'] === true && (typeof v['tokensPerSecPerGpu'] !== 'number' || typeof v['mfu'] !== 'number'))) {
        if (issues.length < 20) issues.push({ path: '', file: f, line: i + 1, message: 'is not a sweep row', expected: 'a row written by colossus sweep (axes, ok, tokensPerSecPerGpu, mfu)' });
        return;
      }
      rows.push(v as unknown as SweepRow);
    });
  }
  if (issues.length > 0) throw new InputError(issues);
  if (rows.length === 0) throw new InputError([{ path: 'rows', message: 'has no rows', expected: 'the output of colossus sweep' }]);
  return rows;
}

/** The merged output must not be one of the inputs, and an existing file is replaced only with --force. */
function checkMergeOutput(out: string, inputs: readonly string[], force: boolean, outFlag: boolean): void {
  const same = (a: string, b: string): boolean => {
    try {
      return realpathSync(a) === realpathSync(b);
    } catch {
      return resolve(a) === resolve(b);
    }
  };
  const form = outFlag ? '--out' : 'OUT (the first file)';
  if (inputs.some((f) => same(f, out))) {
    throw new InputError([{ path: outFlag ? '--out' : 'OUT', file: out, message: 'is also one of the inputs', expected: 'an output file that is not a shard being merged' }]);
  }
  if (!force && existsSync(out)) {
    throw new InputError([
      { path: outFlag ? '--out' : 'OUT', file: out, message: `exists and would be overwritten (${form} is the merged output)`, expected: 'a new file, or --force to replace it' },
    ]);
  }
}

async function sweepCommand(file: string, opts: SweepOptions): Promise<void> {
  const shard: Shard = opts.shard !== undefined ? parseShard(opts.shard) : WHOLE;
  const threads = intOption(opts.threads, '--threads', 1, 256);
  if (opts.out === '') throw new InputError([{ path: '--out', message: 'is empty', expected: 'a file name' }]);
  const { doc, sets } = readDocumentWithSets(file, opts.set);
  const sweep = attributing(sets, () => parseSweep(doc));

  if (opts.list) {
    const lines = shardPoints(sweep.points, shard).map((k) => {
      const axes = pointAxes(sweep.axes, k);
      return JSON.stringify({ point: k, id: pointId(axes), shard: formatShard(shard), axes });
    });
    process.stdout.write(lines.length ? `${lines.join('\n')}\n` : '');
    return;
  }

  const collected: string[] = [];
  let sink: RowSink;
  if (opts.out !== undefined) sink = openFileSink(opts.out, sweep.axes.map((a) => a.path));
  else if (opts.json) sink = { write: (line) => collected.push(line), close: () => undefined, abort: () => undefined };
  else sink = jsonlStreamSink(process.stdout);

  const bar = process.stderr.isTTY ? progressBar(process.stderr, `sweep ${formatShard(shard)}`) : undefined;
  let summary: SweepRunSummary;
  try {
    summary = await runSweep(sweep, sink, {
      shard,
      ...(threads !== undefined ? { threads } : {}),
      ...(bar ? { onProgress: (done: number, total: number) => bar.update(done, total) } : {}),
    });
  } finally {
    bar?.clear();
  }
  const text = `${formatSummary(summary)}${opts.out !== undefined ? ` → ${opts.out}` : ''}\n`;
  if (opts.json) printJson(opts.out !== undefined ? { ...summary, out: opts.out } : { ...summary, rows: collected.map((l) => JSON.parse(l) as unknown) });
  else if (opts.out !== undefined) process.stdout.write(text);
  else process.stderr.write(text);
}

function formatSummary(s: SweepRunSummary): string {
  const name = s.name ? ` (${s.name})` : '';
  const errors = s.errors ? `, ${s.errors} error row(s)` : '';
  return (
    `sweep ${s.sweep}${name}: shard ${s.shard}, ${s.shardPoints} of ${s.points} points${errors} in ${s.elapsedS.toFixed(2)} s ` +
    `(${s.pointsPerSec.toFixed(1)} points/s, ${s.threads} thread${s.threads === 1 ? '' : 's'}${s.usesWorkers ? '' : ', in process'})`
  );
}
