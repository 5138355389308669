import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InputError } from '../../core/index.js';
import { leaveOneSourceOut, parseCases, runValidation, type ErrorStats } from '../../validation/index.js';
import { loadCalibration } from '../calibration-option.js';
import { num, pct, table } from '../format.js';
import { printJson } from '../io.js';

/** The bundled public cases, shipped with the package. */
export const BUNDLED_CASES = fileURLToPath(new URL('../../../data/validation/public-cases.jsonl', import.meta.url));
/** The other-stack cases (torchtitan, LLM Foundry/Composer), with per-GPU memory where published. */
export const BUNDLED_STACK_CASES = fileURLToPath(new URL('../../../data/validation/stack-cases.jsonl', import.meta.url));

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Estimate every published, measured training run and report the error (MAPE, median, max) per source')
    .option('--json', 'print JSON: every case with predicted and measured tokens/s/GPU, and the error statistics')
    .option('--cases <files...>', 'validation cases (JSON Lines, the format of data/validation/public-cases.jsonl); several files are read as one set')
    .option('--all', 'the bundled public cases and the other-stack cases (data/validation/stack-cases.jsonl) together')
    .option('--as-published', 'the specs as the sources publish them: their tables and the software each names (stack and release), no recipe facts')
    .option('--name-only', 'the stack\'s name only, without the release the source names (today\'s defaults); with --as-published, the specs of a user who knows the framework but not its version')
    .option('--loso', 'also hold out one source at a time: refit the fitted constants and the error bands without it, report its error and the bands\' coverage')
    .option('--calibration <profile>', 'use the efficiencies measured by `colossus calibrate` for the profile\'s GPU (other GPUs keep the defaults)')
    .action((opts: { json?: boolean; cases?: string[]; all?: boolean; asPublished?: boolean; nameOnly?: boolean; loso?: boolean; calibration?: string }) => {
      const cal = opts.calibration !== undefined ? loadCalibration(opts.calibration) : undefined;
      const files = [...(opts.all ? [BUNDLED_CASES, BUNDLED_STACK_CASES] : []), ...(opts.cases ?? [])];
      if (files.length === 0) files.push(BUNDLED_CASES);
      const cases = files.flatMap((file) => {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          throw new InputError([{ path: '', file, message: 'cannot read the validation cases' }]);
        }
        return parseCases(text, file, { asPublished: opts.asPublished ?? false, stackNameOnly: opts.nameOnly ?? false });
      });
      const report = runValidation(cases, cal?.effFor);
      const loso = opts.loso ? leaveOneSourceOut(cases) : undefined;
      const calibrated = cal ? report.rows.filter((r) => r.gpu === cal.gpu.id).length : 0;
      const specsMode = `${opts.asPublished ? 'as-published' : 'software-facts'}${opts.nameOnly ? '+stack-name-only' : ''}`;
      if (opts.json) {
        const withLoso = loso ? { specs: specsMode, ...report, leaveOneSourceOut: loso } : { specs: specsMode, ...report };
        printJson(cal ? { ...withLoso, calibration: { profile: cal.file, device: cal.profile.device.name, date: cal.profile.date, gpu: cal.gpu.id, cases: calibrated, overrides: cal.fit.overrides } } : withLoso);
        return;
      }
      if (cal) {
        process.stdout.write(`calibrated: ${cal.file} (${cal.profile.device.name}, ${cal.profile.date}) applied to the ${calibrated} ${cal.gpu.id} case(s); other GPUs use the defaults\n\n`);
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
      const specs = opts.asPublished
        ? `as published: each source's table and the software it names (${opts.nameOnly ? 'the stack\'s name only, today\'s release' : 'stack and release'}), no recipe facts`
        : `with software facts: the stack and release each source names${opts.nameOnly ? ' (name only, today\'s release)' : ''} and the settings its recipes state`;
      process.stdout.write(`specs: ${specs}\n`);
      if (report.memory.cases > 0) {
        const memRows = [...Object.entries(report.memoryBySource).map(([k, s]) => statRow(k, s)), statRow('overall', report.memory)];
        process.stdout.write(`\nper-GPU memory (cases that publish it)\n${table(['source', 'cases', 'MAPE', 'median', 'max', 'bias'], memRows)}\n`);
      } else {
        process.stdout.write('\nper-GPU memory: none of these cases publishes a measured figure (see --all)\n');
      }
      if (loso) {
        const rows = Object.entries(loso.bySource).map(([k, s]) => [...statRow(k, s), pct(s.bandCoverage)]);
        rows.push([...statRow('all held out', loso.heldOut), pct(loso.bandCoverage)]);
        process.stdout.write(`\nleave one source out (constants and 80% bands refitted without the source)\n${table(['held-out source', 'cases', 'MAPE', 'median', 'max', 'bias', 'in band'], rows)}\n`);
      }
      if (report.failed > 0) process.stdout.write(`\n${report.failed} case(s) could not be estimated (invalid spec): see --json\n`);
    });
}
