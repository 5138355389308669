import { describe, expect, it } from 'vitest';
import { InputError, parseDocumentText, report } from '../core/index.js';
import { parseScenario, parseScenarioOrThrow } from './scenario.js';

const GOOD = `cluster: { gpu: h100-sxm, gpus: 16384 }
job: { gpus: 16384, days: 54, stepTimeS: 10 }
reliability:
  preset: llama3
  restartS: 600
  checkpoint: { intervalS: auto, writeS: 30, restoreS: 60 }
  spareNodes: 64
seed: 1
replications: 20
`;

function parse(text: string, options = {}) {
  const doc = parseDocumentText(text, 'scenario.yaml');
  return parseScenario(doc, doc.value, options);
}

function issuesOf(text: string, options = {}) {
  const res = parse(text, options);
  if (res.ok) throw new Error('expected issues');
  return res.issues;
}

describe('parseScenario', () => {
  it('reads the issue example into a job model with a Daly interval', () => {
    const res = parse(GOOD);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const s = res.scenario;
    expect(s.job.jobNodes).toBe(2048);
    expect(s.job.causes).toHaveLength(21); // Llama 3's 18 rows, the switch/cable row split by component (leaf, fabric switch, host link, fabric link)
    expect(s.job.causes.every((c) => c.source.length > 20)).toBe(true);
    expect(s.intervalPolicy).toBe('auto');
    expect(s.job.checkpoint.intervalS).toBeGreaterThan(600);
    expect(s.job.checkpoint.intervalS).toBeLessThan(1000);
    expect(s.replications).toBe(20);
    expect(s.job.horizonS).toBe(54 * 86400);
  });

  it('accepts custom causes beside a preset, per node and per switch, and options override seed/replications', () => {
    const text = `job: { gpus: 64, days: 1, stepTimeS: 2, elastic: true, replicaNodes: 2 }
reliability:
  causes:
    - { name: psu, perNodeHour: 1e-4, repairHours: 10 }
    - { name: leaf, perSwitchHour: 1e-5, detectS: 600 }
  checkpoint: { intervalS: 900, async: true, writeS: 120, blockS: 2 }
  burnIn: { days: 3, rateMultiplier: 2 }
`;
    const res = parse(text, { seed: 9, replications: 3 });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const s = res.scenario;
    expect(s.seed).toBe(9);
    expect(s.replications).toBe(3);
    expect(s.job.causes.map((c) => [c.unit, c.scope])).toEqual([
      ['node', 'node'],
      ['switch', 'switch'],
    ]);
    expect(s.job.checkpoint).toEqual({ intervalS: 900, writeS: 120, blockS: 2, restoreS: 60 });
    expect(s.job.burnIn).toEqual({ untilS: 3 * 86400, rateMultiplier: 2 });
    expect(s.job.elastic).toBe(true);
  });

  it('reports field-level issues with file:line', () => {
    const issues = issuesOf(`job: { gpus: 1001, days: -1, stepTimeS: 10 }
reliability:
  preset: llama4
  checkpoint: { intervalS: sometimes, writeS: 30 }
  spareNode: 3
`);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(byPath['job.gpus']?.message).toMatch(/whole number of 8-GPU nodes/);
    expect(byPath['job.gpus']?.line).toBe(1);
    expect(byPath['job.days']?.message).toMatch(/out of range/);
    expect(byPath['reliability.preset']?.expected).toMatch(/llama3/);
    expect(byPath['reliability.preset']?.line).toBe(3);
    expect(byPath['reliability.checkpoint.intervalS']?.line).toBe(4);
    expect(byPath['reliability.checkpoint.intervalS']?.expected).toMatch(/number of seconds.*auto/);
    expect(byPath['reliability.spareNode']?.message).toMatch(/did you mean "spareNodes"/);
    expect(issues.every((i) => i.file === 'scenario.yaml')).toBe(true);
  });

  it('requires failure causes and a step time, and checks cause rates', () => {
    const issues = issuesOf(`job: { gpus: 8, days: 1 }
reliability:
  causes:
    - { name: a }
    - { name: b, perGpuHour: 1e-5, perNodeHour: 1e-4 }
    - { name: c, perGpuHour: -1 }
`);
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('job.stepTimeS');
    expect(paths).toContain('reliability.causes[0]');
    expect(paths).toContain('reliability.causes[1].perNodeHour');
    expect(paths).toContain('reliability.causes[2].perGpuHour');
    const none = issuesOf(`job: { gpus: 8, days: 1, stepTimeS: 1 }\nreliability: { restartS: 5 }\n`);
    expect(none.map((i) => i.path)).toContain('reliability');
  });

  it('a job given as a model needs the injected step-time resolver', () => {
    const text = `cluster: { gpu: h100-sxm }
job:
  gpus: 16384
  days: 54
  model: llama3-405b
  training: { seqLen: 8192, globalBatch: 2048 }
  parallel: { tp: 8, pp: 16, dp: 128 }
reliability: { preset: llama3 }
`;
    const missing = issuesOf(text);
    expect(missing.map((i) => i.path)).toEqual(['job.model']);
    expect(missing[0]?.message).toMatch(/performance model/);

    let seen: unknown;
    const res = parse(text, {
      resolveStepTimeS: (spec: unknown) => {
        seen = spec;
        return 12.5;
      },
    });
    expect(res.ok && res.scenario.job.stepTimeS).toBe(12.5);
    expect(seen).toMatchObject({ model: 'llama3-405b', system: { gpu: 'h100-sxm', gpus: 16384, gpusPerNode: 8 }, parallel: { tp: 8 } });

    const failing = issuesOf(text, {
      resolveStepTimeS: (_spec: unknown, ctx: Parameters<typeof report>[0], path: readonly (string | number)[]) => {
        report(ctx, [...path, 'parallel', 'tp'], 'does not divide heads');
        return undefined;
      },
    });
    expect(failing.map((i) => i.path)).toEqual(['job.parallel.tp']);
    expect(failing[0]?.line).toBe(7);
  });

  it('overrides a preset cause by name, and flags unknown cause names', () => {
    const res = parse(`job: { gpus: 64, days: 1, stepTimeS: 1 }
reliability:
  preset: llama3
  overrides:
    silent-data-corruption: { detectS: 86400 }
    faulty-gpu: { rateMultiplier: 2, repairHours: 4 }
`);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const byName = Object.fromEntries(res.scenario.job.causes.map((c) => [c.name, c]));
    expect(byName['silent-data-corruption']?.detectS).toBe(86400);
    expect(byName['faulty-gpu']?.repairHours).toBe(4);
    expect(byName['faulty-gpu']?.ratePerUnitHour).toBeCloseTo((2 * 148) / (16384 * 54 * 24), 15);
    expect(byName['faulty-gpu']?.source).toMatch(/overridden by the scenario: rate ×2, repairHours 4/);
    const bad = issuesOf(`job: { gpus: 64, days: 1, stepTimeS: 1 }
reliability:
  preset: llama3
  overrides: { faulty-gpus: { detectS: 1 } }
`);
    expect(bad[0]?.path).toBe('reliability.overrides.faulty-gpus');
    expect(bad[0]?.message).toMatch(/did you mean "faulty-gpu"/);
  });

  it('job.tokens with tokens per step sets the target in steps and opens the horizon', () => {
    const res = parse(`job: { gpus: 16384, tokens: 15.6e12, tokensPerStep: 16777216, stepTimeS: 6 }
reliability: { preset: llama3, spareNodes: 64 }
`);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const s = res.scenario;
    expect(s.target?.steps).toBeCloseTo(15.6e12 / 16777216, 6);
    expect(s.job.targetSteps).toBeCloseTo(15.6e12 / 16777216, 6);
    expect(s.openHorizon).toBe(true);
    expect(s.days).toBeGreaterThan((s.job.targetSteps ?? 0) * 6 / 86400);
    const issues = issuesOf(`job: { gpus: 64, tokens: 1e9, steps: 10, stepTimeS: 1 }
reliability: { preset: llama3 }
`);
    expect(issues.map((i) => i.path)).toContain('job.tokens');
    const noRate = issuesOf(`job: { gpus: 64, tokens: 1e9, stepTimeS: 1 }
reliability: { preset: llama3 }
`);
    expect(noRate.map((i) => i.path)).toContain('job.tokensPerStep');
    expect(issuesOf(`job: { gpus: 64, stepTimeS: 1 }
reliability: { preset: llama3 }
`).map((i) => i.path)).toContain('job.days');
  });

  it('idle cluster nodes are the default spares; no spares and a rigid job gives a warning', () => {
    const idle = parse(`cluster: { gpus: 200000 }
job: { gpus: 98304, days: 1, stepTimeS: 10 }
reliability: { preset: llama3 }
`);
    expect(idle.ok && idle.scenario.job.spareNodes).toBe((200000 - 98304) / 8);
    expect(idle.ok && idle.scenario.sparesFromIdle).toBe(true);
    expect(idle.ok && idle.scenario.warnings).toEqual([]);
    const none = parse(`cluster: { gpus: 200000 }
job: { gpus: 98304, days: 1, stepTimeS: 10 }
reliability: { preset: llama3, spareNodes: 0 }
`);
    expect(none.ok && none.scenario.warnings.join()).toMatch(/no spare nodes.*waits for a repair/);
  });

  it('a storage system derives the checkpoint\'s costs; fixed times beside it are refused', () => {
    const res = parse(`job: { gpus: 16384, days: 10, stepTimeS: 6 }
reliability:
  preset: llama3
  spareNodes: 64
  checkpoint: { storage: tectonic-llama3, bytes: 5.67e12 }
`);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const p = res.scenario.checkpointPlan;
    expect(p?.storageGBps).toBe(2000);
    expect(res.scenario.job.checkpoint.blockS).toBeCloseTo(5.67e12 / 2e12, 9);
    expect(res.scenario.job.checkpoint.intervalS).toBeGreaterThanOrEqual(p?.drainS ?? Infinity);
    const bad = issuesOf(`job: { gpus: 64, days: 1, stepTimeS: 1 }
reliability:
  preset: llama3
  checkpoint: { storage: { writeGBps: 1 }, writeS: 3 }
`);
    expect(bad.map((i) => i.path)).toEqual(expect.arrayContaining(['reliability.checkpoint.writeS', 'reliability.checkpoint.storage.capacityTB']));
    expect(issuesOf(`job: { gpus: 64, days: 1, stepTimeS: 1 }
reliability: { preset: llama3, checkpoint: { storage: nfs } }
`)[0]?.expected).toMatch(/tectonic-llama3/);
    expect(issuesOf(`job: { gpus: 64, days: 1, stepTimeS: 1 }
reliability: { preset: llama3, checkpoint: { storage: tectonic-llama3 } }
`)[0]?.path).toBe(
      'reliability.checkpoint.bytes',
    );
    const tooSmall = issuesOf(`job: { gpus: 64, days: 1, stepTimeS: 1 }
reliability: { preset: llama3, checkpoint: { storage: { writeGBps: 100, capacityTB: 1 }, bytes: 1e12 } }
`);
    expect(tooSmall[0]?.message).toMatch(/cannot hold 2 checkpoints/);
  });

  it('a modelled restart grows with the job; it cannot be given beside restartS', () => {
    const at = (gpus: number) => {
      const r = parse(`job: { gpus: ${gpus}, days: 1, stepTimeS: 10 }
reliability: { preset: llama3, restart: { policy: full } }
`);
      return r.ok ? r.scenario.job.restartS : NaN;
    };
    expect(at(98304)).toBeGreaterThan(at(16384));
    expect(issuesOf(`job: { gpus: 64, days: 1, stepTimeS: 1 }
reliability: { preset: llama3, restartS: 5, restart: { policy: full } }
`)[0]?.path).toBe(
      'reliability.restart',
    );
  });

  it('reliability.inventory rescales the causes to the fabric the job spans, and checks its fields', () => {
    const inv = (gpus: number, extra = '') =>
      parse(`cluster: { gpus: 200000 }
job: { gpus: ${gpus}, days: 10, stepTimeS: 10 }
reliability: { preset: llama3, inventory: { fabric: colossus-spectrum-x${extra} } }
`);
    const pod = inv(16384);
    const big = inv(98304);
    if (!pod.ok || !big.ok) throw new Error('expected ok');
    expect(pod.scenario.inventory?.tiers.map((t) => t.tier)).toEqual(['leaf', 'spine']);
    expect(big.scenario.inventory?.tiers.map((t) => t.tier)).toEqual(['leaf', 'spine', 'core']);
    const perGpu = (s: typeof pod) => (s.ok ? s.scenario.job.causes.reduce((a, c) => a + c.ratePerUnitHour, 0) : NaN);
    expect(perGpu(big)).toBeGreaterThan(perGpu(pod));
    const leaf = big.scenario.job.causes.find((c) => c.name === 'network-leaf-switch');
    expect(leaf?.evictNodes).toBe(64);
    expect(big.scenario.baseCauses?.find((c) => c.name === 'network-leaf-switch')?.evictNodes).toBe(2);
    const withPsus = inv(98304, ', psusPerNode: 8');
    if (!withPsus.ok) throw new Error('expected ok');
    const psu = (s: typeof withPsus) => (s.ok ? (s.scenario.job.causes.find((c) => c.name === 'psu')?.ratePerUnitHour ?? 0) : 0);
    expect(psu(withPsus)).toBeCloseTo(2 * psu(big), 15);
    const bad = issuesOf(`job: { gpus: 64, days: 1, stepTimeS: 1 }
reliability: { preset: llama3, inventory: { fabric: colossus-spectrum, switchPort: 64 } }
`);
    expect(bad.map((i) => i.path)).toEqual(expect.arrayContaining(['reliability.inventory.fabric', 'reliability.inventory.switchPort']));
    const noInv = issuesOf(`job: { gpus: 64, days: 1, stepTimeS: 1 }
reliability: { causes: [{ name: optic, perComponentHour: 1e-6, component: host-link }] }
`);
    expect(noInv[0]?.path).toBe('reliability.causes[0].perComponentHour');
    const custom = parse(`job: { gpus: 64, days: 1, stepTimeS: 1 }
reliability: { causes: [{ name: optic, perComponentHour: 1e-6, component: host-link }], inventory: { fabric: colossus-spectrum-x } }
`);
    if (!custom.ok) throw new Error(JSON.stringify(custom.issues));
    // 64 GPUs, one NIC link each: 1e-6 per link-hour = 1e-6 per GPU-hour.
    expect(custom.scenario.job.causes[0]?.ratePerUnitHour).toBeCloseTo(1e-6, 15);
  });

  it('parseScenarioOrThrow throws an InputError', () => {
    expect(() => parseScenarioOrThrow(parseDocumentText('job: 3\n', 'x.yaml'))).toThrow(InputError);
  });
});

describe('bundled scenarios/sim-*.yaml', () => {
  it('all parse without issues', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../scenarios/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.startsWith('sim-') && f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(1);
    for (const f of files) {
      const doc = parseDocumentText(readFileSync(new URL(f, dir), 'utf8'), f);
      // A stand-in for the performance model (the CLI injects the real one).
      const res = parseScenario(doc, doc.value, { resolveStepTimeS: () => ({ stepTimeS: 6, paramsTotal: 4.05e11, tokensPerStep: 2048 * 8192 }) });
      expect(res.ok ? [] : res.issues, f).toEqual([]);
    }
  });
});
