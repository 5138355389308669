import { Command, CommanderError } from 'commander';
import { InputError } from '../core/issue.js';
import { StoreError } from '../store/store-error.js';
import { CliError, printCliError } from './errors.js';
import { commandLoaders, loadAllCommands, type RegisterCommand } from './commands/index.js';

export const VERSION = '0.1.0';

/** Build the program with the given commands (default: every command). Each lives in `commands/<name>.ts`. */
export async function buildProgram(only?: readonly RegisterCommand[], json = false): Promise<Command> {
  const program = new Command('colossus')
    .description('Plan, simulate and validate AI supercomputers: performance model, plan search, failures, campaigns.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // With --json, commander's usage errors become one JSON object (printed by printCliError).
  if (json) program.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  for (const register of only ?? (await loadAllCommands())) register(program);
  return program;
}

/** The command the line asks for (its first word that is not an option), if it is one. */
function requestedCommand(argv: readonly string[]): string | undefined {
  const word = argv.find((a) => !a.startsWith('-'));
  return word !== undefined && Object.hasOwn(commandLoaders, word) ? word : undefined;
}

/** Output cut short by its reader (`colossus validate | head -1`) is a normal end, not an error. */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw err;
    });
  }
}

/** Run the CLI on `argv` (without node and script). Resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe();
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const json = argv.includes('--json');
  const name = requestedCommand(argv);
  try {
    const program = await buildProgram(name !== undefined ? [await commandLoaders[name]!()] : undefined, json);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with 0; usage errors were already printed by commander (or, with --json, are printed now).
      if (err.exitCode === 0) return 0;
      return printCliError({ usage: err.message.replace(/^error: /, '') }, json);
    }
    if (err instanceof InputError || err instanceof CliError) return printCliError(err, json);
    if (err instanceof StoreError) return printCliError(new CliError(err.message), json);
    throw err;
  }
}
