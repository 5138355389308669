import { formatIssues, InputError, type Issue } from '../core/issue.js';

/** An error the CLI reports as a message and an exit code, without a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** The one place the CLI prints an error it expected: text, or with `--json` one JSON object, on stderr. Returns the exit code. */
export function printCliError(err: InputError | CliError | { usage: string }, json: boolean): number {
  const [message, issues, code]: [string, Issue[] | undefined, number] =
    err instanceof InputError ? ['invalid input', err.issues, 1] : err instanceof CliError ? [err.message, undefined, err.exitCode] : [err.usage, undefined, 2];
  if (json) {
    process.stderr.write(`${JSON.stringify({ error: { message, ...(issues ? { issues } : {}), exitCode: code } })}\n`);
  } else if (issues) {
    process.stderr.write(`error: ${message}\n${formatIssues(issues).split('\n').map((l) => `  ${l}`).join('\n')}\n`);
  } else if (!('usage' in err)) {
    process.stderr.write(`error: ${message}\n`);
  }
  return code;
}
