import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// End-to-end through the real bin (built by `npm test`): every file-reading entry point.
const bin = fileURLToPath(new URL('../../bin/colossus.js', import.meta.url));
const example = fileURLToPath(new URL('../../examples/llama3-405b.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'colossus-hostile-'));
const STACK = /\n\s+at .*:\d+:\d+|node:internal/;

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, timeout: 20_000 });
  return { code: r.status, err: r.stderr, out: r.stdout };
}

const ENTRY_POINTS: ((f: string) => string[])[] = [
  (f) => ['estimate', f],
  (f) => ['search', f],
  (f) => ['simulate', f],
  (f) => ['run', f, '--db', join(dir, 'runs.db')],
  (f) => ['sweep', f],
  (f) => ['calibrate', '--fit', f],
  (f) => ['estimate', example, '--calibration', f],
];

describe('hostile files on every file-reading entry point (audit hole 5)', () => {
  it('an undefined alias exits 1 with the field and position, never 70 with a stack', () => {
    const f = file('alias.yaml', 'a: *nope\n');
    for (const args of ENTRY_POINTS) {
      const r = run(args(f));
      expect(r.code, args(f).join(' ')).toBe(1);
      expect(r.err).not.toMatch(STACK);
      expect(r.err).toContain(`${f}:1:4: a: refers to the anchor "nope"`);
    }
  });

  it('nesting 100,000 deep and a trailing-comma .json file: exit 1, clear message', () => {
    const deep = run(['estimate', file('deep.yaml', '['.repeat(100_000) + ']'.repeat(100_000))]);
    expect(deep.code).toBe(1);
    expect(deep.err).toContain('nests too deeply');
    const comma = run(['estimate', file('comma.json', '{"model": "llama3-8b",\n}')]);
    expect(comma.code).toBe(1);
    expect(comma.err).toMatch(/comma\.json:2:1: not valid JSON/);
  });
});
