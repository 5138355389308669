/**
 * The main job end to end: `node bin/colossus.js run` on the bundled Colossus scenario (parse,
 * build-out, plan search at each re-plan, failure simulation, energy, cost, SQLite, HTML report),
 * as a user runs it (goal: < 10 s on a 2-core machine). Needs `npm run build`. Also times the pure
 * campaign in this process, stage by stage.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCampaign } from '../src/campaign/index.js';
import { parseDocumentText } from '../src/core/index.js';
import { parseCampaignScenarioOrThrow } from '../src/scenario/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'scenarios', 'colossus.yaml');

const stages: [string, number][] = [];
const t0 = performance.now();
const input = parseCampaignScenarioOrThrow(parseDocumentText(readFileSync(file, 'utf8'), file));
runCampaign(input, {
  onProgress: (stage) => stages.push([stage, performance.now()]),
});
const end = performance.now();
const parts = stages.map(([name, at], i) => `${name} ${(((stages[i + 1]?.[1] ?? end) - at) / 1000).toFixed(2)} s`);
process.stdout.write(`${'campaign in-process (tsx)'.padEnd(40)} ${((end - t0) / 1000).toFixed(2).padStart(6)} s   (${parts.join(', ')})\n`);

const bin = join(root, 'bin', 'colossus.js');
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  process.stdout.write('dist/ missing: run `npm run build` to time the CLI\n');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'colossus-bench-'));
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    const res = spawnSync(process.execPath, [bin, 'run', '--db', join(dir, 'bench.db')], { encoding: 'utf8' });
    const wall = (performance.now() - s) / 1000;
    if (res.status !== 0) throw new Error(res.stderr);
    process.stdout.write(`${`colossus run (bundled), wall, run ${i + 1}`.padEnd(40)} ${wall.toFixed(2).padStart(6)} s\n`);
  }
}
