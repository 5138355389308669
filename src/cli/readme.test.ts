import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, readlinkSync, realpathSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every `colossus ...` line of the README's shell blocks runs as written (bash, a fresh folder with
// the repository's examples/ and scenarios/ beside it, `colossus` on PATH = this checkout's bin).
// `.ci/run` runs the "Two commands" block itself on a clean clone.
const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The lines of each ```sh block (continuations joined), in order. */
function shellBlocks(text: string): string[][] {
  const blocks: string[][] = [];
  for (const m of text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    blocks.push((m[1] ?? '').replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')));
  }
  return blocks;
}

/** Lines this test cannot run here, by their first word: a long-running server and what talks to it, cluster tools. */
const notRunHere = /^(colossus serve|curl |kubectl |sbatch |jid=|mkdir -p results$|podman |docker )/;

function sh(line: string, cwd: string, path: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', line], { cwd, env: { ...process.env, PATH: path }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', (code) => done({ code, out, err }));
  });
}

describe('README', () => {
  const blocks = shellBlocks(readme);

  it('has the two commands first: npm ci then the bin, and npm test', () => {
    expect(blocks[0]?.map((l) => l.replace(/\s+#.*$/, ''))).toEqual(['npm ci && ./node_modules/.bin/colossus run', 'npm test']);
  });

  it('prepare links the package\'s own bin into node_modules/.bin (npm does not), idempotently', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
    expect(pkg.scripts['prepare']).toMatch(/node scripts\/link-bin\.mjs/);
    const nm = join(mkdtempSync(join(tmpdir(), 'colossus-link-')), 'node_modules');
    for (let i = 0; i < 2; i++) {
      const r = await sh(`node ${JSON.stringify(join(root, 'scripts/link-bin.mjs'))} ${JSON.stringify(nm)}`, root, process.env['PATH'] ?? '');
      expect(r.code, r.err).toBe(0);
    }
    expect(readlinkSync(join(nm, '.bin/colossus'))).not.toMatch(/^\//);
    expect(realpathSync(join(nm, '.bin/colossus'))).toBe(realpathSync(join(root, pkg.bin['colossus'] as string)));
  });

  it('every colossus command in it runs as written and exits 0', { timeout: 600_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'colossus-readme-'));
    for (const d of ['examples', 'scenarios', 'deploy']) symlinkSync(join(root, d), join(cwd, d));
    const binDir = join(cwd, '.bin');
    mkdirSync(binDir);
    symlinkSync(join(root, 'bin/colossus.js'), join(binDir, 'colossus'));
    const path = `${binDir}:${process.env['PATH'] ?? ''}`;
    const lines = blocks.slice(1).flat();
    const run = lines.filter((l) => !notRunHere.test(l));
    expect(run.length).toBeGreaterThan(15);
    // What is not run is only what needs a server or a cluster.
    for (const l of lines.filter((x) => notRunHere.test(x))) expect(l).toMatch(notRunHere);
    for (const line of run) {
      expect(line, 'a README command is a colossus command').toMatch(/^colossus /);
      const r = await sh(line, cwd, path);
      expect(r.code, `${line}\n${r.err}`).toBe(0);
      expect(r.err, line).not.toMatch(/\n\s+at /);
    }
    // The merge of four shards is the unsharded run, and did not touch it.
    expect(readFileSync(join(cwd, 'merged.jsonl'), 'utf8')).toBe(readFileSync(join(cwd, 'results.jsonl'), 'utf8'));
    expect(existsSync(join(cwd, 'colossus.db'))).toBe(true);
  });
});
