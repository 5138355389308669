import { Command, CommanderError } from 'commander';
import { InputError, formatIssues } from '../core/index.js';
import { StoreError } from '../store/store-error.js';
import { CliError } from './errors.js';
import { commands } from './commands/index.js';

/** Build the program. Each command lives in `commands/<name>.ts` and registers itself. */
export function buildProgram(): Command {
  const program = new Command('colossus')
    .description('Plan, simulate and validate AI supercomputers: performance model, plan search, failures, campaigns.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Run the CLI on `argv` (without node and script). Resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof InputError) {
      process.stderr.write(`error: invalid input\n${indent(formatIssues(err.issues))}\n`);
      return 1;
    }
    if (err instanceof StoreError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
