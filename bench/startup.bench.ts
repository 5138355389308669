/**
 * Start-up: wall time of `colossus --version`, `colossus estimate` and `colossus search` (200k
 * GPUs) against a bare `node -e 0`, median of 5 interleaved runs each, as ratios measured in this
 * one run (goal: --version within 2× of node). Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'colossus.js');
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  process.stdout.write('dist/ missing: run `npm run build` to time the CLI\n');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'colossus-startup-'));
const search200k = join(dir, 'search-200k.json');
writeFileSync(search200k, JSON.stringify({ model: 'llama3-405b', system: { gpu: 'h100-sxm', gpus: 200_000 }, training: { seqLen: 8192, globalBatch: 2048 } }));

const cases: [string, string[]][] = [
  ['node -e 0', ['-e', '0']],
  ['colossus --version', [bin, '--version']],
  ['colossus estimate llama3-405b', [bin, 'estimate', join(root, 'examples', 'llama3-405b.yaml')]],
  ['colossus search 200k H100', [bin, 'search', search200k]],
];
const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (let run = 0; run < 5; run++) {
  for (const [name, args] of cases) {
    const s = performance.now();
    const res = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`${name}: ${res.stderr}`);
    times.get(name)?.push((performance.now() - s) / 1000);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const node = median(times.get('node -e 0') ?? []);
for (const [name] of cases) {
  const m = median(times.get(name) ?? []);
  process.stdout.write(`${`${name}, wall (median of 5)`.padEnd(48)} ${m.toFixed(3).padStart(7)} s   ${(m / node).toFixed(2)}× node -e 0\n`);
}
