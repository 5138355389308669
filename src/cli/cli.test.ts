import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatIssue, type Issue } from '../core/index.js';

// End-to-end: the real bin (bin/colossus.js → dist/), as a user runs it. `npm test` builds first.
const bin = fileURLToPath(new URL('../../bin/colossus.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'colossus-cli-'));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input: input ?? '', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const spec = {
  model: 'llama3-8b',
  system: { gpu: 'h100-sxm', gpus: 8 },
  training: { seqLen: 8192, globalBatch: 128, precision: 'fp8' },
  parallel: { tp: 1, pp: 1, dp: 8 },
};

describe('colossus estimate', () => {
  it('prints the contract fields as JSON', () => {
    const r = run(['estimate', file('ok.json', JSON.stringify(spec)), '--json']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.out);
    for (const k of ['stepTimeS', 'tokensPerSecPerGpu', 'modelTflopsPerGpu', 'mfu', 'hfu', 'fits', 'breakdown', 'parallel']) expect(e).toHaveProperty(k);
    expect(e.memory.totalGiB).toBeGreaterThan(0);
    expect(e.mfu).toBeGreaterThan(0.1);
    expect(e.mfu).toBeLessThan(1);
  });

  it('prints a table for people, from YAML', () => {
    const r = run(['estimate', file('ok.yaml', 'model: llama3-8b\nsystem: { gpu: h100-sxm, gpus: 8 }\ntraining: { seqLen: 8192, globalBatch: 128 }\nparallel: { tp: 1, pp: 1, dp: 8 }\n')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('tokens/s per GPU');
    expect(r.out).toContain('step time breakdown');
  });

  it('answers an array in order, with an error in place of an invalid element', () => {
    const bad = { ...spec, parallel: { tp: 1, pp: 1, dp: 4 } };
    const r = run(['estimate', file('arr.json', JSON.stringify([spec, bad, spec])), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out).toHaveLength(3);
    expect(out[0].stepTimeS).toBeGreaterThan(0);
    expect(out[1].error.issues[0].path).toBe('[1].parallel');
    expect(out[2].stepTimeS).toBe(out[0].stepTimeS);
  });

  const refusals: [string, string, RegExp][] = [
    ['empty file', '', /empty/],
    ['bad YAML', 'model: [oops\n', /bad\.yaml:\d+:\d+: not valid YAML/],
    ['wrong type', JSON.stringify({ ...spec, system: { gpu: 'h100-sxm', gpus: 'eight' } }), /system\.gpus: has the wrong type/],
    ['negative size', JSON.stringify({ ...spec, model: { layers: -1, hidden: 4096, heads: 32, ffnHidden: 14336 } }), /model\.layers: is out of range/],
    ['absurd size', JSON.stringify({ ...spec, model: { layers: 32, hidden: 4096, heads: 32, ffnHidden: 14336, vocab: 1e15 } }), /model\.vocab: is out of range/],
    ['degrees', JSON.stringify({ ...spec, parallel: { tp: 2, pp: 1, dp: 8 } }), /parallel: tp·pp·cp·dp/],
    ['unknown GPU', JSON.stringify({ ...spec, system: { gpu: 'h1000', gpus: 8 } }), /system\.gpu: is not a GPU in the catalog/],
    ['missing model', JSON.stringify({ ...spec, model: undefined }), /model: is required/],
  ];
  for (const [name, text, pattern] of refusals) {
    it(`refuses ${name} with a field-level message and no stack trace`, () => {
      const f = file(name === 'bad YAML' ? 'bad.yaml' : `${name.replace(/ /g, '-')}.json`, text);
      const r = run(['estimate', f]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(pattern);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toBe('');
      // With --json: the same issues, as one JSON object on stderr.
      const j = run(['estimate', f, '--json']);
      expect(j.code).toBe(1);
      expect(j.out).toBe('');
      const e = JSON.parse(j.err) as { error: { issues: Issue[] } };
      expect(e.error.issues.map(formatIssue).join('\n')).toMatch(pattern);
    });
  }

  it('refuses a missing file clearly', () => {
    const r = run(['estimate', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('nope.yaml: cannot read the file: no such file');
  });

  it('reads a spec from standard input', () => {
    const r = run(['estimate', '-', '--json'], JSON.stringify(spec));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).tokensPerSecPerGpu).toBeGreaterThan(0);
  });
});

describe('colossus validate', () => {
  it('reports every public case and the overall error', () => {
    const r = run(['validate', '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep.rows).toHaveLength(77);
    expect(rep.overall.mape).toBeLessThan(0.1);
  });

  it('--as-published names the reading, and --name-only (today\'s release for every source) reads the 2021 runs faster', () => {
    const pub = JSON.parse(run(['validate', '--as-published', '--json']).out);
    const name = JSON.parse(run(['validate', '--as-published', '--name-only', '--json']).out);
    expect(pub.specs).toBe('as-published');
    expect(name.specs).toBe('as-published+stack-name-only');
    expect(pub.overall.mape).toBeLessThanOrEqual(0.1);
    expect(name.bySource.Narayanan2021.bias).toBeGreaterThan(pub.bySource.Narayanan2021.bias + 0.05);
    expect(run(['validate', '--as-published']).out).toContain('specs: as published');
  });

  it('prints a table with MAPE per source', () => {
    const r = run(['validate']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/overall\s+77/);
    expect(r.out).toContain('MAPE');
  });
});

describe('colossus --help', () => {
  it('lists the commands', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['estimate', 'validate', 'simulate']) expect(r.out).toContain(c);
  });

  it('exits 2 on an unknown command', () => {
    const r = run(['frobnicate']);
    expect(r.code).toBe(2);
  });
});

describe('colossus simulate with a model instead of a step time', () => {
  it('takes the step time from the performance model (searching a plan when none is given)', () => {
    const scenario = (parallel: string) =>
      `cluster: { gpu: h100-sxm, gpus: 1024 }\njob:\n  gpus: 1024\n  days: 5\n  model: llama3-70b\n  training: { seqLen: 8192, globalBatch: 512 }\n${parallel}reliability: { preset: llama3, restartS: 600, checkpoint: { intervalS: auto, writeS: 30, restoreS: 60 }, spareNodes: 8 }\nseed: 1\nreplications: 2\n`;
    const withPlan = run(['simulate', file('sim-plan.yaml', scenario('  parallel: { tp: 8, pp: 4, dp: 32 }\n')), '--json']);
    expect(withPlan.code).toBe(0);
    const searched = run(['simulate', file('sim-search.yaml', scenario('')), '--json']);
    expect(searched.code).toBe(0);
    expect(JSON.parse(withPlan.out).ettr).toBeGreaterThan(0.5);
    const bad = run(['simulate', file('sim-bad.yaml', scenario('  parallel: { tp: 8, pp: 4, dp: 16 }\n'))]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/sim-bad\.yaml:\d+:\d+: job\.parallel: tp·pp·cp·dp/);
  });
});

describe('colossus search', () => {
  const searchSpec = { model: 'llama3-70b', system: { gpu: 'h100-sxm', gpus: 256 }, training: { seqLen: 8192, globalBatch: 256 } };

  it('returns fitting plans best first, with counts, timing and the rank of a given plan', () => {
    const r = run(['search', file('search.json', JSON.stringify(searchSpec)), '--json', '--top', '3', '--rank', 'tp=8,pp=4,dp=8']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.plans).toHaveLength(3);
    expect(out.plans[0].estimate.fits).toBe(true);
    expect(out.plans[0].gpusUsed).toBeLessThanOrEqual(256);
    expect(out.plans[0].score).toBeGreaterThanOrEqual(out.plans[1].score);
    expect(out.evaluated).toBeGreaterThan(0);
    expect(out.elapsedS).toBeLessThan(5);
    expect(out.rank.plansAbove).toBeGreaterThanOrEqual(0);
  });

  it('compares the ways to use a mixed fleet', () => {
    const mixed = { ...searchSpec, system: { pools: [{ gpu: 'h100-sxm', gpus: 192 }, { gpu: 'h200-sxm', gpus: 64 }] } };
    const r = run(['search', file('mixed.json', JSON.stringify(mixed))]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('replicas');
    expect(r.out).toContain('as-slowest');
    expect(r.out).toMatch(/vs treating every GPU as h100-sxm/);
  });

  it('refuses bad options clearly', () => {
    const f = file('search2.json', JSON.stringify(searchSpec));
    for (const [args, msg] of [
      [['--objective', 'speed'], /--objective must be one of/],
      [['--top', '0'], /--top must be an integer/],
      [['--rank', 'tp=8'], /--rank: needs at least tp, pp and dp/],
      [['--objective', 'time-to-train'], /training\.tokens: is required/],
    ] as const) {
      const r = run(['search', f, ...args]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(msg);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});

describe('colossus run with overrides', () => {
  const fixture = fileURLToPath(new URL('../../calibration/fixtures/h100-example.json', import.meta.url));

  it('plans with a calibration profile, and refuses a missing one before touching the store', () => {
    const db = join(dir, 'cal.db');
    const r = run(['run', '--calibration', fixture, '--db', db, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).training.timeToModelDays).toBeGreaterThan(0);
    const bad = run(['run', '--calibration', join(dir, 'missing.json'), '--db', join(dir, 'never.db')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('missing.json: cannot read the file');
    expect(existsSync(join(dir, 'never.db'))).toBe(false);
  });

  it('refuses a bad --fleet or --tokens with the flag named', () => {
    const a = run(['run', '--fleet', 'both', '--db', join(dir, 'x.db')]);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/--fleet: is not a fleet mode/);
    const b = run(['run', '--tokens', 'lots', '--db', join(dir, 'x.db')]);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/--tokens: is not a token budget/);
  });
});

describe('CLI hygiene', () => {
  const sh = (line: string) => {
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', line], { encoding: 'utf8', cwd: dir });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const q = JSON.stringify(bin);

  it('output cut short by its reader is a normal end: validate | head -1 exits 0, no stack trace', () => {
    const r = sh(`node ${q} validate | head -1`);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.err).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('with --json, errors are one JSON object on stderr (input issues and usage errors)', () => {
    const bad = run(['estimate', file('bad.json', JSON.stringify({ ...spec, system: { gpu: 'h100', gpus: 8 } })), '--json']);
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('');
    const e = JSON.parse(bad.err) as { error: { message: string; issues: { path: string; message: string }[]; exitCode: number } };
    expect(e.error.issues[0]?.path).toBe('system.gpu');
    expect(e.error.issues[0]?.message).toMatch(/did you mean "h100-sxm"/);
    const usage = run(['estimate', '--json', '--no-such-flag']);
    expect(usage.code).toBe(2);
    expect((JSON.parse(usage.err) as { error: { message: string } }).error.message).toMatch(/unknown option '--no-such-flag'/);
  });

  it('--set overrides a field, typed and validated like the file; issues name the --set', () => {
    const f = file('s.json', JSON.stringify(spec));
    const h200 = run(['estimate', f, '--set', 'system.gpu=h200-sxm', '--set', 'training.globalBatch=256', '--json']);
    expect(h200.code, h200.err).toBe(0);
    const e = JSON.parse(h200.out) as { spec: { gpu: string }; tokensPerStep: number; peakTflops: number };
    expect(e.spec.gpu).toBe('h200-sxm');
    expect(e.tokensPerStep).toBe(256 * 8192);
    const base = JSON.parse(run(['estimate', f, '--json']).out) as { peakTflops: number };
    expect(e.peakTflops).toBe(base.peakTflops); // same Hopper peak, more HBM
    const bad = run(['estimate', f, '--set', 'parallel.tp=three']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--set parallel\.tp=three: parallel\.tp: /);
    expect(run(['estimate', f, '--set', 'nonsense']).err).toMatch(/--set: is not path=value/);
  });

  it('dp may be left out: derived, and the GPUs left over are reported as spare', () => {
    const f = file('nodp.json', JSON.stringify({ ...spec, system: { gpu: 'h100-sxm', gpus: 100 }, parallel: { tp: 8, pp: 1 } }));
    const r = run(['estimate', f, '--json']);
    expect(r.code, r.err).toBe(0);
    const e = JSON.parse(r.out) as { parallel: { dp: number }; spareGpus: number };
    expect(e.parallel.dp).toBe(8); // 12 would fit 100 GPUs, but 128 sequences split evenly over 8
    expect(e.spareGpus).toBe(36);
    expect(run(['estimate', f]).out).toMatch(/dp derived: the plan uses 64 of 100 GPUs, 36 spare/);
    const none = run(['estimate', file('nodp2.json', JSON.stringify({ ...spec, system: { gpu: 'h100-sxm', gpus: 4 }, parallel: { tp: 8, pp: 1 } }))]);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/parallel\.dp: cannot be derived/);
  });

  it('catalog lists GPUs and models with their sources', () => {
    const gpus = JSON.parse(run(['catalog', 'gpus', '--json']).out) as { id: string; sources: Record<string, string> }[];
    expect(gpus.map((g) => g.id)).toContain('h200-sxm');
    expect(gpus.every((g) => Object.keys(g.sources).length > 0)).toBe(true);
    const one = run(['catalog', 'gpus', 'h100-sxm']);
    expect(one.out).toMatch(/bf16Tflops\s+989\.4\s+\S/);
    const models = run(['catalog', 'models']);
    expect(models.out).toMatch(/deepseek-v3\s+DeepSeek-V3\s+61/);
    const typo = run(['catalog', 'models', 'llama3']);
    expect(typo.code).toBe(1);
    expect(typo.err).toMatch(/did you mean "llama3-8b" or "llama3-70b" or "llama3-405b"/);
  });

  it('catalog lists the fabric presets (system.fabric ids) with their tiers and sources', () => {
    const all = run(['catalog', 'fabrics']);
    expect(all.code, all.err).toBe(0);
    expect(all.out).toMatch(/colossus-spectrum-x\s+400\s+yes\s+yes\s+leaf 512 · spine 16,384 · core all/);
    expect(all.out).toMatch(/meta-llama3-24k-roce\s+400\s+no\s+no\s+rack 16 · pod 3,072 · aggregation all \(7:1\)/);
    const json = JSON.parse(run(['catalog', 'fabrics', '--json']).out) as { id: string; source: string; tiers: { gpus: number | string }[] }[];
    expect(json.map((f) => f.id)).toEqual(['colossus-spectrum-x', 'meta-llama3-24k-roce', 'dgx-superpod-h100-ndr', 'gb200-nvl72']);
    for (const f of json) {
      expect(f.source.length).toBeGreaterThan(40);
      expect(f.tiers.at(-1)?.gpus).toBe('all'); // the whole cluster, not Infinity (which JSON would turn into null)
    }
    const one = run(['catalog', 'fabric', 'dgx-superpod-h100-ndr']);
    expect(one.code, one.err).toBe(0);
    expect(one.out).toMatch(/spine\s+2,048\s+1:1\s+0\.50 µs\s+yes/);
    expect(one.out).toMatch(/source: NVIDIA DGX SuperPOD reference architecture/);
    const both = JSON.parse(run(['catalog', '--json']).out) as Record<string, unknown[]>;
    expect(Object.keys(both)).toEqual(['gpus', 'models', 'fabrics']);
    const typo = run(['catalog', 'fabrics', 'colossus']);
    expect(typo.code).toBe(1);
    expect(typo.err).toMatch(/fabrics: has no id "colossus" \(did you mean "colossus-spectrum-x"\?\)/);
  });

  it('search --rank takes every plan field, EP facts included', () => {
    const f = file('ds.json', JSON.stringify({ model: 'deepseek-v3', system: { gpu: 'h800-sxm', gpus: 2048 }, training: { seqLen: 4096, globalBatch: 15360, precision: 'fp8' } }));
    const r = run(['search', f, '--top', '1', '--rank', 'tp2,pp4,dp256,ep64,epDispatch=deepep,epCommOverlap=true,mb=1,zero=1,sp=true', '--json']);
    expect(r.code, r.err).toBe(0);
    type E = { stepTimeS: number; memory: { totalGiB: number; usableGiB: number } };
    const j = JSON.parse(r.out) as { plans: { estimate: E }[]; rank: { parallel: Record<string, unknown>; estimate: E } };
    expect(j.rank.parallel).toMatchObject({ ep: 64, epDispatch: 'deepep', epCommOverlap: true, zeroStage: 1, sequenceParallel: true });
    // The search's best is at least as fast as the ranked plan, unless that one eats into the 5% memory margin.
    const m = j.rank.estimate.memory;
    expect(m.totalGiB > 0.95 * m.usableGiB || j.plans[0]!.estimate.stepTimeS <= j.rank.estimate.stepTimeS * (1 + 1e-9)).toBe(true);
    const text = run(['search', f, '--top', '1', '--rank', 'tp2,pp61,dp16,ep8']);
    expect(text.out).toMatch(/your plan tp2 pp61 cp1 dp16 ep8 mb/);
    expect(run(['search', f, '--rank', 'tp2,pp4,dp256,epDispatch=fast']).err).toMatch(/epDispatch must be alltoall, deepep/);
  });

  it('--version answers without loading any command', () => {
    const r = run(['--version']);
    expect(r.out.trim()).toBe('0.1.0');
    expect(r.code).toBe(0);
  });
});
