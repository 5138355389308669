/**
 * Errors as data: every validator returns a list of issues, each naming the field path,
 * what was expected and what was received, and (when the input came from a file) where.
 * The CLI, the HTTP API and the dashboard render the same issues their own way.
 */
export interface Issue {
  /** Dotted field path, e.g. `parallel.tp` or `[2].model.layers`. Empty for the whole document. */
  path: string;
  message: string;
  expected?: string;
  received?: string;
  file?: string;
  /** 1-based line and column in `file`, when known. */
  line?: number;
  column?: number;
}

/** A user's input was refused. Carries the issues; never a bug. */
export class InputError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[], message?: string) {
    super(message ?? formatIssues(issues));
    this.name = 'InputError';
    this.issues = issues;
  }
}

/** A short description of a received value, for `received` in an issue. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return 'an object';
}

/** One line per issue: `file:line:col: path: message (expected X, received Y)`. */
export function formatIssue(issue: Issue): string {
  const where = issue.file
    ? `${issue.file}${issue.line !== undefined ? `:${issue.line}${issue.column !== undefined ? `:${issue.column}` : ''}` : ''}: `
    : '';
  const field = issue.path ? `${issue.path}: ` : '';
  const detail: string[] = [];
  if (issue.expected !== undefined) detail.push(`expected ${issue.expected}`);
  if (issue.received !== undefined) detail.push(`received ${issue.received}`);
  return `${where}${field}${issue.message}${detail.length ? ` (${detail.join(', ')})` : ''}`;
}

export function formatIssues(issues: readonly Issue[]): string {
  return issues.map(formatIssue).join('\n');
}
