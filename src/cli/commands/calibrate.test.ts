import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findGpu, type GpuSpec } from '../../catalog/index.js';
import { fitProfile, probeShapes, synthesizeProfile } from '../../calibration/index.js';
import { efficiencyFor, estimate } from '../../model/index.js';
import { parseSpec } from '../../spec/index.js';

// End-to-end: the real bin (bin/colossus.js → dist/). `npm test` builds first; run `npm run build`
// before running this file alone. No GPU anywhere: `--out` runs against a fake python.
const bin = fileURLToPath(new URL('../../../bin/colossus.js', import.meta.url));
const probe = fileURLToPath(new URL('../../../calibration/probe.py', import.meta.url));
const fixture = fileURLToPath(new URL('../../../calibration/fixtures/h100-example.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'colossus-calibrate-'));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const h100 = findGpu('h100-sxm') as GpuSpec;
const d = efficiencyFor(h100);
/** A GPU whose BF16 GEMMs are 10% slower than the defaults say, noise-free. */
const slowProfile = synthesizeProfile({ gpu: h100, eff: { ...d, gemmMaxBf16: d.gemmMaxBf16 * 0.9 }, quick: true });
const slowFile = file('slow.json', JSON.stringify(slowProfile, null, 1));

const spec = {
  model: 'llama3-8b',
  system: { gpu: 'h100-sxm', gpus: 8 },
  training: { seqLen: 8192, globalBatch: 128, precision: 'bf16' },
  parallel: { tp: 1, pp: 1, dp: 8 },
};
const specFile = file('spec.json', JSON.stringify(spec));

/** A stand-in for python3: answers the PyTorch check with `check`, runs the "probe" as `probeBody`. */
function fakePython(name: string, check: string, probeBody: string): string {
  const p = file(name, `#!/bin/sh\nif [ "$1" = "-c" ]; then\n  echo '${check}'\n  exit 0\nfi\n${probeBody}\n`);
  chmodSync(p, 0o755);
  return p;
}
const GPU_OK = '{"python": "3.11.7", "torch": "2.5.1", "cuda": true, "devices": 8, "name": "NVIDIA H100 80GB HBM3"}';

describe('colossus calibrate --fit', () => {
  it('shows the fitted efficiencies against the defaults, with residuals', () => {
    const r = run(['calibrate', '--fit', fixture]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('SYNTHETIC FIXTURE, NOT A MEASUREMENT');
    expect(r.out).toMatch(/gemmMaxBf16\s+80\.3%\s+\d+\.\d%/);
    expect(r.out).toMatch(/fit residuals[\s\S]*gemm bf16\s+71/);
  });

  it('prints JSON: overrides, defaults, residuals', () => {
    const r = run(['calibrate', '--fit', slowFile, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.gpu).toBe('h100-sxm');
    expect(j.overrides.gemmMaxBf16).toBeCloseTo(d.gemmMaxBf16 * 0.9, 5);
    expect(j.defaults.gemmMaxBf16).toBeCloseTo(d.gemmMaxBf16, 10);
    expect(j.residuals.map((x: { table: string }) => x.table)).toContain('gemm bf16');
  });

  it('refuses an invalid profile with file, line and field path, no stack trace', () => {
    const bad = JSON.parse(JSON.stringify(slowProfile));
    bad.gemm[0].tflops = 5000;
    const r = run(['calibrate', '--fit', file('bad.json', JSON.stringify(bad, null, 1))]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.json:\d+:\d+: gemm\[0\]\.tflops: does not match/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('refuses a profile of a GPU that is not the one it names, at the rows that show it', () => {
    const h200 = { ...synthesizeProfile({ gpu: findGpu('h200-sxm') as GpuSpec, quick: true }), gpu: 'h100-sxm' };
    const r = run(['calibrate', '--fit', file('h200-as-h100.json', JSON.stringify(h200, null, 1))]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/h200-as-h100\.json:\d+:\d+: memory\[0\]\.bandwidthGBps: is above the HBM bandwidth of h100-sxm/);
  });

  it('needs exactly one of --out and --fit', () => {
    expect(run(['calibrate']).code).toBe(2);
    const r = run(['calibrate', '--out', 'a.json', '--fit', fixture]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('either --out');
  });
});

describe('colossus calibrate --out (fake python, no GPU)', () => {
  it('says clearly when python is missing', () => {
    const r = run(['calibrate', '--out', join(dir, 'x.json'), '--python', join(dir, 'no-such-python')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot run ".*no-such-python": not found \(pass --python/);
  });

  it('says clearly when PyTorch is missing', () => {
    const py = fakePython('py-no-torch', '{"python": "3.11.7", "torch": null, "error": "No module named torch"}', 'exit 1');
    const r = run(['calibrate', '--out', join(dir, 'x.json'), '--python', py]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('PyTorch is not installed');
    expect(r.err).toContain('No module named torch');
  });

  it('says clearly when there is no GPU', () => {
    const py = fakePython('py-no-gpu', '{"python": "3.11.7", "torch": "2.5.1", "cuda": false, "devices": 0, "name": null}', 'exit 1');
    const r = run(['calibrate', '--out', join(dir, 'x.json'), '--python', py]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/sees no GPU.*--fit/);
  });

  it('streams the probe\'s progress, validates and writes the profile, prints the fit', () => {
    const out = join(dir, 'measured.json');
    const py = fakePython('py-ok', GPU_OK, `echo "[probe] gemm bf16 [1/71] ..." >&2\ncat '${slowFile}'`);
    const r = run(['calibrate', '--out', out, '--python', py, '--quick']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('[probe] gemm bf16 [1/71]');
    expect(r.err).toContain(`profile written to ${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(slowProfile);
    expect(r.out).toMatch(/gemmMaxBf16\s+80\.3%\s+72\.3%\s+-10\.0%/);
  });

  it('refuses a probe output that is not a valid profile, and keeps it for diagnosis', () => {
    const out = join(dir, 'broken.json');
    const py = fakePython('py-broken', GPU_OK, `echo '{"schemaVersion": 1}'`);
    const r = run(['calibrate', '--out', out, '--python', py]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/<probe output>.*device: is required/);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(`${out}.rejected`, 'utf8')).toContain('schemaVersion');
  });

  it('reports a probe that fails', () => {
    const py = fakePython('py-fails', GPU_OK, 'echo "[probe] error: CUDA out of memory" >&2\nexit 3');
    const r = run(['calibrate', '--out', join(dir, 'y.json'), '--python', py]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('[probe] error: CUDA out of memory');
    expect(r.err).toContain('the probe failed (exit 3)');
  });
});

describe('--calibration on estimate and validate', () => {
  const fit = fitProfile(slowProfile);
  if (!fit.ok) throw new Error('slow profile does not fit');
  const calibratedEff = efficiencyFor(h100, fit.fit.overrides);

  it('estimate uses the measured efficiencies for the profile\'s GPU', () => {
    const base = JSON.parse(run(['estimate', specFile, '--json']).out);
    const r = run(['estimate', specFile, '--json', '--calibration', slowFile]);
    expect(r.code).toBe(0);
    const cal = JSON.parse(r.out);
    expect(cal.tokensPerSecPerGpu).toBeCloseTo(estimate(parseSpec(spec), calibratedEff).tokensPerSecPerGpu, 6);
    const ratio = cal.tokensPerSecPerGpu / base.tokensPerSecPerGpu;
    expect(ratio).toBeLessThan(0.96); // 10% slower GEMMs: most of this job's time
    expect(ratio).toBeGreaterThan(0.9);
  });

  it('estimate keeps the defaults for another GPU, and says so', () => {
    const a100 = file('a100.json', JSON.stringify({ ...spec, system: { gpu: 'a100-sxm-80gb', gpus: 8 } }));
    const base = JSON.parse(run(['estimate', a100, '--json']).out);
    const r = run(['estimate', a100, '--json', '--calibration', slowFile]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).tokensPerSecPerGpu).toBe(base.tokensPerSecPerGpu);
    expect(r.err).toContain('a100-sxm-80gb is not the calibrated GPU (h100-sxm): model defaults used');
  });

  it('estimate names the profile in its table', () => {
    const r = run(['estimate', specFile, '--calibration', fixture]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^calibrated: .*h100-example\.json \(SYNTHETIC FIXTURE/);
  });

  it('estimate refuses an invalid profile before estimating', () => {
    const r = run(['estimate', specFile, '--calibration', file('v2.json', JSON.stringify({ ...slowProfile, schemaVersion: 2 }))]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/v2\.json:\d+:\d+: schemaVersion: was written by a newer colossus/);
    expect(r.out).toBe('');
  });

  it('validate applies the profile to its GPU\'s cases only', () => {
    const base = JSON.parse(run(['validate', '--json']).out);
    const r = run(['validate', '--json', '--calibration', slowFile]);
    expect(r.code).toBe(0);
    const cal = JSON.parse(r.out);
    type Row = { id: string; gpu: string; predictedTokensPerSecPerGpu: number };
    const h100Rows = cal.rows.filter((x: Row) => x.gpu === 'h100-sxm');
    expect(cal.calibration.gpu).toBe('h100-sxm');
    expect(cal.calibration.cases).toBe(h100Rows.length);
    cal.rows.forEach((row: Row, i: number) => {
      const was = base.rows[i] as Row;
      if (row.gpu === 'h100-sxm') expect(row.predictedTokensPerSecPerGpu).toBeLessThan(was.predictedTokensPerSecPerGpu);
      else expect(row.predictedTokensPerSecPerGpu).toBe(was.predictedTokensPerSecPerGpu);
    });
    const table = run(['validate', '--calibration', fixture]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^calibrated: .* applied to the \d+ h100-sxm case\(s\)/);
  });
});

describe('the probe', () => {
  it('is valid Python (compiles; no GPU needed)', () => {
    const r = spawnSync('python3', ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)', probe, join(dir, 'probe.pyc')], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
  });

  for (const quick of [false, true]) {
    it(`measures the shapes the synthetic profiles mirror${quick ? ' (--quick)' : ''} (no PyTorch needed)`, () => {
      const r = spawnSync('python3', [probe, '--print-shapes', ...(quick ? ['--quick'] : [])], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(probeShapes(quick))));
    });
  }

  it('says clearly when PyTorch is missing', () => {
    const r = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return; // this host has PyTorch: nothing to check
    const p = spawnSync('python3', [probe, '--quick'], { encoding: 'utf8' });
    expect(p.status).toBe(2);
    expect(p.stderr).toContain('cannot import torch');
    expect(p.stdout).toBe('');
  });

  it('is listed in colossus --help', () => {
    expect(run(['--help']).out).toContain('calibrate');
  });
});
