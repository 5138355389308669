import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// End to end through the built CLI (`npm test` builds before running vitest).
const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'bin', 'colossus.js');
const dir = mkdtempSync(join(tmpdir(), 'colossus-sim-'));

function cli(...args: string[]) {
  const res = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function scenario(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const small = `job: { gpus: 16384, days: 10, stepTimeS: 10 }
reliability:
  preset: llama3
  restartS: 300
  checkpoint: { intervalS: auto, writeS: 30, restoreS: 60 }
  spareNodes: 64
seed: 1
replications: 4
`;

describe('colossus simulate (end to end)', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  });

  it('answers "Llama 3 405B, 15.6T tokens, 16,384 H100, llama3 preset" in one command, with ETTR vs spare nodes', () => {
    const file = join(root, 'scenarios', 'sim-llama3-405b-tokens.yaml');
    const a = cli('simulate', file, '--json', '--replications', '4', '--optimize-spares');
    expect(a.code, a.stderr).toBe(0);
    const r = JSON.parse(a.stdout) as {
      target: { tokens: number; reached: number; idealDays: number; days: { p10: number; p50: number; p90: number } };
      checkpoint: { storage: { bytes: number; storageGBps: number; writeGBps: number } };
      restart: { ncclInitS: number; totalS: number };
      spareOptimization: { points: { spareNodes: number; ettr: number }[]; recommended: { spareNodes: number } };
      warnings: string[];
    };
    expect(r.target.tokens).toBe(15.6e12);
    expect(r.target.reached).toBe(1);
    expect(r.target.days.p10).toBeLessThanOrEqual(r.target.days.p50);
    expect(r.target.days.p50).toBeLessThanOrEqual(r.target.days.p90);
    expect(r.target.days.p50).toBeGreaterThan(r.target.idealDays);
    expect(r.checkpoint.storage.bytes).toBeGreaterThan(5e12); // 405B × 14 B
    expect(r.checkpoint.storage.writeGBps).toBeLessThanOrEqual(r.checkpoint.storage.storageGBps);
    expect(r.restart.ncclInitS).toBeGreaterThan(60);
    const pts = r.spareOptimization.points;
    expect(pts[0]?.spareNodes).toBe(0);
    expect(pts[0]?.ettr ?? 1).toBeLessThan(pts[pts.length - 1]?.ettr ?? 0);
    const text = cli('simulate', file, '--replications', '2', '--optimize-spares');
    expect(text.stdout).toMatch(/time to train .* days p50 to 15\.6T tokens/);
    expect(text.stdout).toMatch(/ETTR vs spare nodes/);
    const dry = scenario('dry.yaml', 'cluster: { gpus: 16384 }\njob: { gpus: 16384, days: 2, stepTimeS: 10 }\nreliability: { preset: llama3 }\n');
    expect(cli('simulate', dry).stdout).toMatch(/warning: no spare nodes/);
  });

  it('prints the JSON result; same seed → byte-identical, another seed → different', () => {
    const file = scenario('small.yaml', small);
    const a = cli('simulate', file, '--json');
    expect(a.code).toBe(0);
    const r = JSON.parse(a.stdout) as { ettr: number; interruptions: { total: number; byCause: Record<string, number> }; checkpoint: { intervalS: number }; wallDays: number };
    expect(r.ettr).toBeGreaterThan(0.5);
    expect(r.ettr).toBeLessThan(1);
    expect(r.wallDays).toBe(10);
    expect(Object.keys(r.interruptions.byCause)).toContain('faulty-gpu');
    expect(cli('simulate', file, '--json').stdout).toBe(a.stdout);
    expect(cli('simulate', file, '--json', '--seed', '2').stdout).not.toBe(a.stdout);
  });

  it('gives identical results on worker threads and in one thread', () => {
    const file = scenario('big.yaml', small.replace('gpus: 16384, days: 10', 'gpus: 100000, days: 30').replace('replications: 4', 'replications: 160'));
    const threaded = cli('simulate', file, '--json', '--threads', '2');
    const single = cli('simulate', file, '--json', '--threads', '1');
    expect(threaded.code).toBe(0);
    expect(threaded.stdout).toBe(single.stdout);
  });

  it('prints a readable summary without --json, and the checkpoint sweep with --optimize-checkpoint', () => {
    const file = scenario('small.yaml', small);
    const text = cli('simulate', file, '--optimize-checkpoint');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/ETTR/);
    expect(text.stdout).toMatch(/faulty-gpu/);
    expect(text.stdout).toMatch(/Daly/);
    expect(text.stdout).toMatch(/best − Daly/);
    expect(text.stderr).toBe(''); // no progress bar when stderr is not a TTY
    const json = JSON.parse(cli('simulate', file, '--json', '--optimize-checkpoint', '--replications', '2').stdout) as {
      replications: number;
      checkpointOptimization: { best: { intervalS: number }; daly: { intervalS: number } };
    };
    expect(json.replications).toBe(2);
    expect(json.checkpointOptimization.best.intervalS).toBeGreaterThan(0);
    expect(json.checkpointOptimization.daly.intervalS).toBeGreaterThan(0);
  });

  it('rejects a bad scenario with exit 1, file:line and the field path, and no stack trace', () => {
    const file = scenario('bad.yaml', `job: { gpus: 16384, days: 54, stepTimeS: 10 }\nreliability:\n  preset: llama3\n  checkpoint: { writeS: -5 }\n`);
    const res = cli('simulate', file);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/bad\.yaml:4:\d+: reliability\.checkpoint\.writeS/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    // With --json the same issue, as JSON on stderr.
    const json = cli('simulate', file, '--json');
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { issues: [{ path: 'reliability.checkpoint.writeS', line: 4 }] } });
    const missing = cli('simulate', join(dir, 'nope.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file/);
    const badSeed = cli('simulate', file, '--seed', 'x');
    expect(badSeed.code).toBe(1);
    expect(badSeed.stderr).toMatch(/--seed/);
  });
});
