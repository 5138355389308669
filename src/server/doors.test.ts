/**
 * One answer whichever door a question comes in by: the CLI (the real bin, as a user runs it;
 * `npm test` builds dist first) and the HTTP API give the same simulator step time — with a plan
 * and without one (then both search for it) — and the same mixed-fleet search.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createApp } from './create-app.js';

const bin = fileURLToPath(new URL('../../bin/colossus.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'colossus-doors-'));

function cli(args: string[], value: unknown): unknown {
  const path = join(dir, `in-${args[0]}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(value));
  const r = spawnSync(process.execPath, [bin, args[0] as string, path, ...args.slice(1), '--json'], { encoding: 'utf8', cwd: dir });
  if (r.status !== 0) throw new Error(`colossus ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function http(path: string, value: unknown): Promise<{ status: number; body: unknown }> {
  const app = createApp({ logError: () => undefined, webDir: null });
  const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
  return { status: res.status, body: await res.json() };
}

const job = (parallel?: Record<string, unknown>, model = 'llama3-8b') => ({
  cluster: { gpu: 'h100-sxm', gpus: 1024 },
  job: { gpus: 512, days: 2, model, training: { seqLen: 8192, globalBatch: 512, precision: 'bf16' }, ...(parallel ? { parallel } : {}) },
  reliability: { preset: 'llama3' },
  seed: 3,
  replications: 2,
});

describe('one answer whichever door', () => {
  it('simulate: the job step time from the performance model is the same from the CLI and POST /api/simulate, with a plan and without', async () => {
    const steps = new Set<number>();
    for (const scenario of [job({ tp: 1, pp: 1, dp: 512 }), job({ tp: 2, pp: 1, dp: 256, recompute: 'full' }), job()]) {
      const a = cli(['simulate'], scenario) as { scenario: { stepTimeS: number } };
      const b = await http('/api/simulate', scenario);
      expect(b.status).toBe(200);
      expect((b.body as { scenario: { stepTimeS: number } }).scenario.stepTimeS).toBe(a.scenario.stepTimeS);
      expect(b.body).toEqual(a);
      steps.add(a.scenario.stepTimeS);
    }
    expect(steps.size).toBe(3); // three different questions, three different answers
  }, 60_000);

  it('simulate: a plan that does not fit is refused at the same field by both doors', async () => {
    const scenario = job({ tp: 1, pp: 1, dp: 512, zeroStage: 0 }, 'llama3-70b');
    const path = join(dir, 'too-big.json');
    writeFileSync(path, JSON.stringify(scenario));
    const r = spawnSync(process.execPath, [bin, 'simulate', path], { encoding: 'utf8', cwd: dir });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/job\.parallel.*does not fit in memory/);
    const b = await http('/api/simulate', scenario);
    expect(b.status).toBe(400);
    expect(JSON.stringify(b.body)).toMatch(/job\.parallel/);
  }, 60_000);

  it('search: a mixed fleet (system.pools) gets the mixed-fleet search from both doors', async () => {
    const spec = {
      model: 'llama3-70b',
      system: { pools: [{ gpu: 'h100-sxm', gpus: 512 }, { gpu: 'h200-sxm', gpus: 256 }] },
      training: { seqLen: 8192, globalBatch: 512, precision: 'bf16' },
    };
    const a = cli(['search'], spec) as { fleet: string; elapsedS: number };
    const b = await http('/api/search', spec);
    expect(b.status).toBe(200);
    expect(a.fleet).toBe('mixed');
    expect({ ...(b.body as object), elapsedS: 0 }).toEqual({ ...a, elapsedS: 0 });
  }, 60_000);
});
