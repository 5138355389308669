import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SMALL_SWEEP_YAML } from '../../sweep/_test-sweep.js';

// End-to-end: the real bin (bin/colossus.js → dist/), as a user or a cluster job runs it. `npm test` builds first.
const bin = fileURLToPath(new URL('../../../bin/colossus.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'colossus-sweep-cli-'));
const sweepFile = join(dir, 'sweep.yaml');
writeFileSync(sweepFile, SMALL_SWEEP_YAML);

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const at = (name: string): string => join(dir, name);

describe('colossus sweep', () => {
  it('3 shards (one on 2 worker threads) merged = one unsharded run, byte for byte', () => {
    const whole = run(['sweep', sweepFile, '--out', at('whole.jsonl'), '--threads', '1']);
    expect(whole.code, whole.err).toBe(0);
    expect(whole.out).toMatch(/shard 0\/1, 12 of 12 points, 4 error row\(s\) in .* → .*whole\.jsonl/);
    for (const i of [0, 1, 2]) {
      const r = run(['sweep', sweepFile, '--shard', `${i}/3`, '--out', at(`shard-${i}.jsonl`), '--threads', i === 1 ? '2' : '1']);
      expect(r.code, r.err).toBe(0);
    }
    const merged = run(['sweep', 'merge', at('merged.jsonl'), at('shard-2.jsonl'), at('shard-0.jsonl'), at('shard-1.jsonl')]);
    expect(merged.code, merged.err).toBe(0);
    expect(merged.out).toMatch(/merged 3 shard output\(s\): 12 points/);
    expect(readFileSync(at('merged.jsonl'), 'utf8')).toBe(readFileSync(at('whole.jsonl'), 'utf8'));
    // --out form, into SQLite.
    const db = run(['sweep', 'merge', '--out', at('merged.db'), at('shard-0.jsonl'), at('shard-1.jsonl'), at('shard-2.jsonl'), '--json']);
    expect(db.code, db.err).toBe(0);
    expect(JSON.parse(db.out)).toMatchObject({ points: 12, inputs: 3 });
  });

  it('plot: the rows as tokens/s per GPU and MFU vs GPU count, a curve per GPU type and plan; never overwrites; refuses a non-numeric axis', () => {
    const rows = at('plot-rows.jsonl');
    const r0 = run(['sweep', sweepFile, '--out', rows, '--threads', '1']);
    expect(r0.code, r0.err).toBe(0);
    const p = run(['sweep', 'plot', rows]);
    expect(p.code, p.err).toBe(0);
    expect(p.out).toMatch(/plotted 8 of 12 points along system\.gpus → .*plot-rows-plot\.html/);
    const html = readFileSync(at('plot-rows-plot.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(2);
    expect(html).toContain('Tokens/s per GPU vs GPUs');
    expect(html).toContain('MFU vs GPUs');
    expect(html).toContain('4 point(s) without an answer');
    const again = run(['sweep', 'plot', rows]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/exists and would be overwritten/);
    const json = run(['sweep', 'plot', rows, '--json']);
    expect(json.code, json.err).toBe(0);
    const curves = (JSON.parse(json.out) as { curves: Record<string, { name: string; points: { x: number; tokensPerSecPerGpu: number }[] }[]> }).curves['system.gpus'] ?? [];
    const byName = Object.fromEntries(curves.map((c) => [c.name, c.points.map((x) => x.x)]));
    // The searched plan answers every count; the fixed TP2 DP8 plan (16 GPUs) only 16.
    expect(byName).toEqual({ 'h100-sxm · searched plan': [8, 16, 32], 'h100-sxm · tp2 pp1 dp8': [16], 'b200 · searched plan': [8, 16, 32], 'b200 · tp2 pp1 dp8': [16] });
    const bad = run(['sweep', 'plot', rows, '--x', 'system.gpu']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--x: is not a numeric axis of this sweep: system\.gpu \(expected one of system\.gpus\)/);
    expect(bad.err).not.toMatch(/ at /);
    writeFileSync(at('not-rows.jsonl'), '{"a":1}\n');
    const junk = run(['sweep', 'plot', at('not-rows.jsonl'), '--out', at('x.html')]);
    expect(junk.code).toBe(1);
    expect(junk.err).toMatch(/not-rows\.jsonl:1: is not a sweep row/);
  });

  it('merge refuses a missing or repeated shard (exit 1, no output, no stack trace)', () => {
    run(['sweep', sweepFile, '--shard', '0/2', '--out', at('h0.jsonl'), '--threads', '1']);
    const missing = run(['sweep', 'merge', at('m.jsonl'), at('h0.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/6 of 12 points are missing/);
    expect(existsSync(at('m.jsonl'))).toBe(false);
    const twice = run(['sweep', 'merge', at('m.jsonl'), at('h0.jsonl'), at('h0.jsonl')]);
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/h0\.jsonl:1: repeats point 0/);
    expect(twice.err).not.toMatch(/\n\s+at /);
    const none = run(['sweep', 'merge', at('m.jsonl')]);
    expect(none.code).toBe(1);
  });

  it('merge never overwrites by accident: not an input, not an existing file without --force', () => {
    for (const i of [0, 1]) run(['sweep', sweepFile, '--shard', `${i}/2`, '--out', at(`o${i}.jsonl`), '--threads', '1']);
    const before = readFileSync(at('o0.jsonl'), 'utf8');
    const intoInput = run(['sweep', 'merge', '--out', at('o0.jsonl'), at('o0.jsonl'), at('o1.jsonl')]);
    expect(intoInput.code).toBe(1);
    expect(intoInput.err).toMatch(/o0\.jsonl: --out: is also one of the inputs/);
    // The README's old line: the first file is the output; an existing one is refused.
    writeFileSync(at('results.jsonl'), 'keep me\n');
    const old = run(['sweep', 'merge', at('results.jsonl'), at('o0.jsonl'), at('o1.jsonl')]);
    expect(old.code).toBe(1);
    expect(old.err).toMatch(/results\.jsonl: OUT: exists and would be overwritten .*--force/);
    expect(readFileSync(at('results.jsonl'), 'utf8')).toBe('keep me\n');
    const forced = run(['sweep', 'merge', '--force', '--out', at('results.jsonl'), at('o0.jsonl'), at('o1.jsonl')]);
    expect(forced.code, forced.err).toBe(0);
    expect(readFileSync(at('results.jsonl'), 'utf8')).not.toBe('keep me\n');
    expect(readFileSync(at('o0.jsonl'), 'utf8')).toBe(before);
  });

  it('without --out: rows on stdout as JSON Lines, the summary on stderr, no progress bar off a TTY', () => {
    const r = run(['sweep', sweepFile, '--shard', '1/4', '--threads', '1']);
    expect(r.code, r.err).toBe(0);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l) as { point: number; ok: boolean });
    expect(rows.map((x) => x.point)).toEqual([1, 5, 9]);
    expect(r.err).toMatch(/^sweep [0-9a-f]{16} \(small\): shard 1\/4, 3 of 12 points/);
    expect(r.err).not.toContain('\r');
    const json = run(['sweep', sweepFile, '--shard', '1/4', '--threads', '1', '--json']);
    const doc = JSON.parse(json.out) as { rows: unknown[]; shardPoints: number };
    expect(doc.shardPoints).toBe(3);
    expect(doc.rows).toEqual(rows);
  });

  it('--list prints the points of a shard without running them', () => {
    const r = run(['sweep', sweepFile, '--shard', '0/5', '--list']);
    expect(r.code).toBe(0);
    const points = r.out.trim().split('\n').map((l) => JSON.parse(l) as { point: number; id: string; axes: Record<string, unknown> });
    expect(points.map((p) => p.point)).toEqual([0, 5, 10]);
    expect(points[0]?.axes).toEqual({ 'system.gpu': 'h100-sxm', 'system.gpus': 8, parallel: null });
  });

  it('refuses bad input with file:line and field paths (exit 1, no stack trace)', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, SMALL_SWEEP_YAML.replace('[h100-sxm, b200]', '[h100-sxm, b20]'));
    const r = run(['sweep', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.yaml:7:\d+: grid\["system\.gpu"\]\[1\]: is not a GPU in the catalog \(did you mean "b200"\?\)/);
    expect(r.err).not.toMatch(/\n\s+at /);
    for (const args of [['--shard', '4/4'], ['--threads', '0'], ['--shard', 'x']]) {
      const e = run(['sweep', sweepFile, ...args]);
      expect(e.code, args.join(' ')).toBe(1);
      expect(e.err).toContain(args[0]);
    }
    expect(run(['sweep', join(dir, 'missing.yaml')]).err).toMatch(/cannot read the file: no such file/);
    const noDir = run(['sweep', sweepFile, '--out', join(dir, 'no', 'such', 'dir.jsonl')]);
    expect(noDir.code).toBe(1);
    expect(noDir.err).toMatch(/--out: cannot write the output: no such directory/);
  });
});
