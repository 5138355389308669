import { InputError } from '../core/index.js';

/** An integer option (`--seed`, `--threads`, ...) in [min, max], or undefined when absent; refused with a field-level issue otherwise. */
export function intOption(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError([{ path: flag, message: 'is not a valid value', expected: `an integer from ${min} to ${max}`, received: JSON.stringify(value) }]);
  }
  return n;
}
