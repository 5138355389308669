import { InputError, type Issue } from './issue.js';

/** Paths (`breakdown.computeS`, `plans[0].mfu`) of every number in a result that is NaN or infinite. */
export function nonFiniteFields(value: unknown, limit = 5): string[] {
  const out: string[] = [];
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  let seen = 0;
  while (stack.length > 0 && out.length < limit && seen < 1_000_000) {
    const { v, path } = stack.pop() as { v: unknown; path: string };
    seen++;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) out.push(path || '(the result)');
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}[${i}]` });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i] as [string, unknown];
        stack.push({ v: x, path: path ? `${path}.${k}` : k });
      }
    }
  }
  return out;
}

/** One broken invariant of a result: which field, what it must be, what it was. */
export interface ResultViolation {
  field: string;
  expected: string;
  received: string;
}

/**
 * The issues for a result that must not be printed or stored: non-finite numbers anywhere, and the
 * given violations. `inputs` names the input fields that usually cause them, for the message.
 */
export function resultIssues(what: string, value: unknown, violations: readonly ResultViolation[], inputs: string): Issue[] {
  const issues: Issue[] = nonFiniteFields(value).map((field) => ({
    path: `${what}.${field}`,
    message: `is not a finite number: the inputs give no meaningful ${what} (check ${inputs})`,
    expected: 'a finite number',
    received: 'NaN or Infinity',
  }));
  for (const v of violations) {
    issues.push({ path: `${what}.${v.field}`, message: `is not physical: the inputs give an impossible ${what} (check ${inputs})`, expected: v.expected, received: v.received });
  }
  return issues;
}

/** Throw the issues of `resultIssues` as an InputError when there are any; otherwise return the value. */
export function checkedResult<T>(what: string, value: T, violations: readonly ResultViolation[], inputs: string): T {
  const issues = resultIssues(what, value, violations, inputs);
  if (issues.length > 0) throw new InputError(issues);
  return value;
}
