import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// End to end through the built CLI (`npm test` builds before running vitest), from another cwd:
// the bundled scenario must be found next to the package, not in the working directory.
const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'bin', 'colossus.js');
const dir = mkdtempSync(join(tmpdir(), 'colossus-run-'));
const db = join(dir, 'runs.db');

function cli(...args: string[]) {
  const res = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

interface RunJson {
  runId: string;
  report: string;
  timeline: { day: number; gpusOnline: Record<string, number> }[];
  milestones: { kind: string; day: number }[];
  training: { plan: { gpu: string; tp: number } | null; mfu: number; ettr: number; tokens: number; timeToModelDays: number | null };
  energy: { mwh: number; peakMw: number };
  cost: { campaignUsd: number };
}

describe('colossus run / runs (end to end)', () => {
  let first: RunJson;
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const res = cli('run', '--json', '--db', db);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    first = JSON.parse(res.stdout) as RunJson;
  }, 120_000); // one whole campaign (its seven plan searches) in a child process, on a loaded machine

  it('runs the bundled scenario with no argument: the contract fields, the done-when figures', () => {
    const r = first;
    expect(r.runId).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/);
    const h100 = (p: RunJson['timeline'][number]) => p.gpusOnline['h100-sxm'] ?? 0;
    const h200 = (p: RunJson['timeline'][number]) => p.gpusOnline['h200-sxm'] ?? 0;
    expect(r.timeline[0]?.day).toBe(0);
    expect(r.timeline.find((p) => h100(p) >= 97_000)?.day).toBeLessThanOrEqual(122); // the public power record allows ~97.6k by then (1.41 kW per H100)
    expect(r.timeline.some((p) => h100(p) + h200(p) >= 200_000 && h200(p) >= 50_000)).toBe(true);
    expect(r.training.timeToModelDays).toBeGreaterThan(0);
    expect(r.training.plan?.gpu).toBe('h100-sxm');
    expect(r.training.ettr).toBeGreaterThan(0);
    expect(r.training.mfu).toBeGreaterThan(0);
    expect(r.energy.mwh).toBeGreaterThan(0);
    expect(r.energy.peakMw).toBeGreaterThan(0);
    expect(r.cost.campaignUsd).toBeGreaterThan(0);
    expect(r.milestones.length).toBeGreaterThan(3);
    // The report: next to the store by default, self-contained (no scripts, nothing fetched).
    expect(r.report).toBe(join(dir, `runs-report-${r.runId}.html`));
    const html = readFileSync(r.report, 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(5);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('lists, shows, compares and deletes runs; same seed → same result', () => {
    const again = JSON.parse(cli('run', '--json', '--db', db).stdout) as RunJson & { createdAt: string };
    const strip = (x: object) => JSON.stringify({ ...x, runId: '', createdAt: '', report: '' });
    expect(strip(again)).toBe(strip({ ...first, createdAt: '' }));
    const list = JSON.parse(cli('runs', 'list', '--json', '--db', db).stdout) as { runId: string; name: string }[];
    expect(list.map((x) => x.runId)).toEqual([again.runId, first.runId]);
    expect(list[0]?.name).toBe('colossus');
    const text = cli('runs', 'list', '--db', db);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(first.runId);
    const show = JSON.parse(cli('runs', 'show', first.runId, '--json', '--db', db).stdout) as RunJson;
    expect(show.training.timeToModelDays).toBe(first.training.timeToModelDays);
    const cmp = cli('runs', 'compare', first.runId, again.runId, '--db', db);
    expect(cmp.code).toBe(0);
    expect(cmp.stdout).toContain('time-to-model');
    // latest, latest~1, a prefix and the random suffix name runs too; compare shows milestones side by side.
    const latest = JSON.parse(cli('runs', 'show', 'latest', '--json', '--db', db).stdout) as RunJson;
    expect(latest.runId).toBe(again.runId);
    expect((JSON.parse(cli('runs', 'show', 'latest~1', '--json', '--db', db).stdout) as RunJson).runId).toBe(first.runId);
    expect((JSON.parse(cli('runs', 'show', first.runId.slice(-8), '--json', '--db', db).stdout) as RunJson).runId).toBe(first.runId);
    const ambiguous = cli('runs', 'show', first.runId.slice(0, 6), '--db', db);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/matches 2 runs/);
    const cmpJson = JSON.parse(cli('runs', 'compare', 'latest~1', 'latest', '--json', '--db', db).stdout) as { milestones: { label: string; days: number[] }[] };
    expect(cmpJson.milestones.find((m) => m.label === 'training starts')?.days).toEqual([80, 80]);
    expect(cmp.stdout).toMatch(/milestone\s.*\n.*\n.*first GPUs delivered\s+day 60\.0\s+day 60\.0\s+\+0\.0 days/);
    expect(cli('runs', 'delete', again.runId, '--db', db).code).toBe(0);
    expect((JSON.parse(cli('runs', 'list', '--json', '--db', db).stdout) as unknown[]).length).toBe(1);
    const missing = cli('runs', 'show', 'nope', '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no run nope/);
  });

  it('prints a readable summary, and runs both what-ifs', () => {
    const other = join(dir, 'whatif.db');
    for (const name of ['colossus-h200-instead.yaml', 'colossus-rival-doubles.yaml']) {
      const res = cli('run', join(root, 'scenarios', name), '--db', other, '--report', join(dir, `${name}.html`));
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/time-to-model\s+day \d/);
      expect(res.stdout).toMatch(/ETTR/);
      expect(existsSync(join(dir, `${name}.html`))).toBe(true);
    }
    const list = cli('runs', 'list', '--db', other);
    expect(list.stdout).toContain('colossus-h200-instead');
    expect(list.stdout).toContain('colossus-rival-doubles');
    // Two whole campaigns through the built CLI: ~10–30 s on the shared 2-core machine under load.
  }, 90_000);

  it('what-ifs without editing YAML: --shift-deliveries, --set, validated like the file; reports never overwritten', () => {
    const w = join(dir, 'knobs.db');
    const slip = JSON.parse(cli('run', '--json', '--db', w, '--shift-deliveries', '30').stdout) as RunJson;
    expect(slip.milestones.find((m) => m.kind === 'training-start')?.day).toBe(110);
    // A month later at the start; the model ends later too, by about a month (re-plans, checkpoints and spares move with the capacity).
    expect(slip.training.timeToModelDays ?? 0).toBeGreaterThan((first.training.timeToModelDays ?? 0) + 20);
    expect(slip.training.timeToModelDays ?? 0).toBeLessThan((first.training.timeToModelDays ?? 0) + 60);
    expect(slip.report).toBe(join(dir, `knobs-report-${slip.runId}.html`));
    const show = cli('runs', 'list', '--db', w);
    expect(show.stdout).toContain(slip.runId);
    // A bad override names the --set, not a line of the file.
    const bad = cli('run', '--db', w, '--set', 'training.globalBatch=lots');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--set training\.globalBatch=lots: training\.globalBatch: /);
    const past = cli('run', '--db', w, '--shift-deliveries', '400');
    expect(past.code).toBe(1);
    expect(past.stderr).toMatch(/--shift-deliveries 400: deliveries\[0\]\.toDay: is out of range/);
    // An existing --report is refused before anything is computed; --force replaces it.
    const report = join(dir, 'mine.html');
    writeFileSync(report, 'keep');
    const refused = cli('run', '--db', w, '--report', report);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/mine\.html exists; give another file or --force .*nothing was computed/);
    expect(readFileSync(report, 'utf8')).toBe('keep');
    expect(cli('run', '--db', join(dir, 'no-such-dir', 'x.db')).stderr).toMatch(/no such directory/);
  });

  it('refuses a bad scenario with file:line and the field, no stack trace, and leaves the store untouched', () => {
    const bad = join(dir, 'bad.yaml');
    const text = readFileSync(join(root, 'scenarios', 'colossus.yaml'), 'utf8').replace('racksPerDay: 32', 'racksPerDay: lots');
    writeFileSync(bad, text);
    const fresh = join(dir, 'fresh.db');
    const res = cli('run', bad, '--db', fresh);
    expect(res.code).toBe(1);
    const line = text.split('\n').findIndex((l) => l.includes('racksPerDay: lots')) + 1;
    expect(res.stderr).toContain(`${bad}:${line}:`);
    expect(res.stderr).toContain('site.installPhases[0].racksPerDay');
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(fresh)).toBe(false);
    const before = readFileSync(db);
    expect(cli('run', bad, '--db', db).code).toBe(1);
    expect(readFileSync(db).equals(before)).toBe(true);
  });
});
