import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InputError } from '../../core/index.js';
import { parseCases, runValidation, type ErrorStats } from '../../validation/index.js';
import { num, pct, table } from '../format.js';
import { printJson } from '../io.js';

/** The bundled public cases, shipped with the package. */
export const BUNDLED_CASES = fileURLToPath(new URL('../../../data/validation/public-cases.jsonl', import.meta.url));

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Estimate every published, measured training run and report the error (MAPE, median, max) per source')
    .option('--json', 'print JSON: every case with predicted and measured tokens/s/GPU, and the error statistics')
    .option('--cases <file>', 'validation cases (JSON Lines, the format of data/validation/public-cases.jsonl)', BUNDLED_CASES)
    .action((opts: { json?: boolean; cases: string }) => {
      let text: string;
      try {
        text = readFileSync(opts.cases, 'utf8');
      } catch {
        throw new InputError([{ path: '', file: opts.cases, message: 'cannot read the validation cases' }]);
      }
      const report = runValidation(parseCases(text, opts.cases));
      if (opts.json) {
        printJson(report);
        return;
      }
      const rows = report.rows.map((r) => [
        r.id,
        r.source,
        r.gpu,
        r.precision,
        num(r.measuredTokensPerSecPerGpu, 1),
        r.predictedTokensPerSecPerGpu === null ? 'invalid' : num(r.predictedTokensPerSecPerGpu, 1),
        r.error === null ? '' : `${r.error >= 0 ? '+' : ''}${pct(r.error)}`,
        r.fits === false ? 'no' : '',
      ]);
      process.stdout.write(`${table(['case', 'source', 'gpu', 'prec', 'measured tok/s/GPU', 'predicted', 'error', 'fits?'], rows, ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'left'])}\n\n`);
      const statRow = (name: string, s: ErrorStats) => [name, String(s.cases), pct(s.mape), pct(s.median), pct(s.max), `${s.bias >= 0 ? '+' : ''}${pct(s.bias)}`];
      const stats = [
        ...Object.entries(report.bySource).map(([k, s]) => statRow(k, s)),
        ...Object.entries(report.byGroup).map(([k, s]) => statRow(k, s)),
        statRow('overall', report.overall),
      ];
      process.stdout.write(`${table(['source / group', 'cases', 'MAPE', 'median', 'max', 'bias'], stats)}\n`);
      if (report.failed > 0) process.stdout.write(`\n${report.failed} case(s) could not be estimated (invalid spec): see --json\n`);
    });
}
