import { describe, expect, it } from 'vitest';
import { parseDocumentText, type Issue } from '../core/index.js';
import { parseScenario, type ScenarioOptions, type SimScenario } from './scenario.js';
import { STORAGE_PRESETS } from './storage.js';

// The scenario checks a schema cannot make (src/sim/scenario.ts), one bad input each: every issue
// names the file, the line, the field, what was expected and what was received.

function issuesOf(text: string, options: ScenarioOptions = {}): Issue[] {
  const doc = parseDocumentText(text, 'bad.yaml');
  const res = parseScenario(doc, doc.value, options);
  if (res.ok) throw new Error('expected issues');
  return res.issues;
}

function scenarioOf(text: string, options: ScenarioOptions = {}): SimScenario {
  const doc = parseDocumentText(text, 'ok.yaml');
  const res = parseScenario(doc, doc.value, options);
  if (!res.ok) throw new Error(JSON.stringify(res.issues));
  return res.scenario;
}

const JOB = 'job: { gpus: 64, days: 1, stepTimeS: 1 }\n';

/** `issue` without its column: path, message, expected, received, file and line. */
const at = (line: number, path: string, message: string, extra: { expected?: string; received?: string } = {}) => ({ file: 'bad.yaml', line, path, message, ...extra });

describe('scenario errors: the job', () => {
  it('a job larger than the cluster', () => {
    expect(issuesOf(`cluster: { gpus: 64 }\njob: { gpus: 128, days: 1, stepTimeS: 1 }\nreliability: { preset: llama3 }\n`)).toMatchObject([
      at(2, 'job.gpus', 'is larger than the cluster', { expected: '<= cluster.gpus (64)', received: '128' }),
    ]);
  });

  it('replicas that do not divide the job, and more minimum replicas than it has', () => {
    // 48 GPUs = 6 nodes: replicas of 4 nodes do not divide them.
    expect(issuesOf(`job: { gpus: 48, days: 1, stepTimeS: 1, replicaNodes: 4 }\nreliability: { preset: llama3 }\n`)).toMatchObject([
      at(1, 'job.replicaNodes', 'must divide the job into whole replicas', { expected: "a divisor of the job's 6 nodes", received: '4' }),
    ]);
    // 8 nodes in replicas of 2 = 4 replicas.
    expect(issuesOf(`job: { gpus: 64, days: 1, stepTimeS: 1, replicaNodes: 2, minReplicas: 5 }\nreliability: { preset: llama3 }\n`)).toMatchObject([
      at(1, 'job.minReplicas', 'is more than the job has', { expected: '<= 4 replicas', received: '5' }),
    ]);
    // Exactly as many as it has is fine.
    expect(scenarioOf(`job: { gpus: 64, days: 1, stepTimeS: 1, replicaNodes: 2, minReplicas: 4 }\nreliability: { preset: llama3 }\n`).job.minReplicas).toBe(4);
  });

  it('a token target needing more steps than the simulator takes', () => {
    expect(issuesOf(`job: { gpus: 64, tokens: 1.0e18, tokensPerStep: 1, stepTimeS: 1 }\nreliability: { preset: llama3 }\n`)).toMatchObject([
      at(1, 'job.tokens', 'needs more steps than the simulator takes', {
        expected: 'at most 1000000000000000 steps: 1e15 steps of a microsecond each would take 31 years',
        received: '1.00e+18 steps',
      }),
    ]);
  });

  it('a step time beside a model, and a resolver that gives no usable step time', () => {
    expect(issuesOf(`job: { gpus: 64, days: 1, stepTimeS: 1, model: llama3-8b }\nreliability: { preset: llama3 }\n`)).toMatchObject([
      at(1, 'job.stepTimeS', 'conflicts with job.model/training/parallel', { expected: 'either stepTimeS or a model, not both' }),
    ]);
    const model = `job: { gpus: 64, days: 1, model: x }\nreliability: { preset: llama3 }\n`;
    for (const [given, received] of [
      [0, '0'],
      [-1, '-1'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [undefined, 'nothing'],
      [{ stepTimeS: 0 }, '0'],
    ] as const) {
      expect(issuesOf(model, { resolveStepTimeS: () => given }), String(given)).toMatchObject([at(1, 'job.model', 'did not give a step time', { received })]);
    }
    // A resolved job: its step time.
    expect(scenarioOf(model, { resolveStepTimeS: () => ({ stepTimeS: 3 }) }).job.stepTimeS).toBe(3);
  });
});

describe('scenario errors: causes and overrides', () => {
  it('a custom cause that repeats a name, the preset\'s or its own list\'s, is flagged at the repeat', () => {
    expect(
      issuesOf(`${JOB}reliability:\n  preset: llama3\n  causes:\n    - { name: mine, perGpuHour: 1.0e-6 }\n    - { name: faulty-gpu, perGpuHour: 1.0e-6 }\n`),
    ).toMatchObject([at(6, 'reliability.causes[1].name', 'repeats the name of another cause', { received: '"faulty-gpu"' })]);
    expect(
      issuesOf(`${JOB}reliability:\n  causes:\n    - { name: a, perGpuHour: 1.0e-6 }\n    - { name: b, perGpuHour: 1.0e-6 }\n    - { name: a, perGpuHour: 2.0e-6 }\n`),
    ).toMatchObject([at(6, 'reliability.causes[2].name', 'repeats the name of another cause', { received: '"a"' })]);
  });

  it('perComponentHour needs a component; a component needs perComponentHour', () => {
    expect(issuesOf(`${JOB}reliability:\n  causes:\n    - { name: a, perComponentHour: 1.0e-6 }\n    - { name: b, perGpuHour: 1.0e-6, component: psu }\n`)).toMatchObject([
      at(4, 'reliability.causes[0].component', 'is required with perComponentHour', {
        expected: 'one of gpu, rank, host, nic, psu, leaf-switch, fabric-switch, host-link, fabric-link',
      }),
      at(5, 'reliability.causes[1].component', 'only applies with perComponentHour', { expected: 'perComponentHour, or no component' }),
    ]);
  });

  it('an override of an unknown cause with no close name has no guess', () => {
    const issues = issuesOf(`${JOB}reliability:\n  causes: [{ name: psu, perNodeHour: 1.0e-5 }, { name: gpu, perGpuHour: 1.0e-6 }]\n  overrides: { zzzzzzzzzzzzzzzzzz: { detectS: 1 } }\n`);
    expect(issues).toMatchObject([at(4, 'reliability.overrides.zzzzzzzzzzzzzzzzzz', 'is not a known field', { expected: 'one of psu, gpu' })]);
  });

  it('overrides change a cause\'s scope and silence and say so in its source; rateMultiplier scales every cause', () => {
    const s = scenarioOf(`${JOB}reliability:
  causes: [{ name: psu, perNodeHour: 1.0e-5, source: vendor }, { name: gpu, perGpuHour: 1.0e-6 }]
  overrides: { psu: { scope: job, silent: true } }
  rateMultiplier: 3
`);
    const [psu, gpu] = s.job.causes;
    expect(psu).toMatchObject({ scope: 'job', silent: true, source: 'vendor; overridden by the scenario: scope job, silent true; ×3 (rateMultiplier)' });
    expect(psu?.ratePerUnitHour).toBeCloseTo(3e-5, 15);
    expect(gpu).toMatchObject({ scope: 'node', silent: false, source: 'scenario (user-supplied); ×3 (rateMultiplier)' });
    expect(gpu?.ratePerUnitHour).toBeCloseTo(3e-6, 16);
  });
});

describe('scenario errors: checkpoints and storage', () => {
  it('an asynchronous stall longer than the write; a stall on a synchronous checkpoint', () => {
    expect(issuesOf(`${JOB}reliability:\n  preset: llama3\n  checkpoint: { async: true, writeS: 10, blockS: 20 }\n`)).toMatchObject([
      at(4, 'reliability.checkpoint.blockS', 'is longer than the write', { expected: '<= writeS (10)', received: '20' }),
    ]);
    expect(issuesOf(`${JOB}reliability:\n  preset: llama3\n  checkpoint: { writeS: 10, blockS: 2 }\n`)).toMatchObject([
      at(4, 'reliability.checkpoint.blockS', 'only applies to asynchronous checkpoints', { expected: 'async: true, or no blockS' }),
    ]);
  });

  it('checkpoints are synchronous by default; an asynchronous one stalls 1 s (or the whole write when shorter)', () => {
    const ck = (c: string) => scenarioOf(`${JOB}reliability: { preset: llama3, checkpoint: { intervalS: 600, ${c} } }\n`);
    const sync = ck('writeS: 30');
    expect(sync.asyncCheckpoint).toBe(false);
    expect(sync.job.checkpoint).toEqual({ intervalS: 600, writeS: 30, blockS: 30, restoreS: 60 });
    expect(ck('writeS: 30, async: true').job.checkpoint).toEqual({ intervalS: 600, writeS: 30, blockS: 1, restoreS: 60 });
    expect(ck('writeS: 0.5, async: true').job.checkpoint.blockS).toBe(0.5);
    // An asynchronous write must be durable before the next one: the interval is at least writeS − blockS.
    expect(ck('writeS: 900, async: true').job.checkpoint.intervalS).toBe(899);
  });

  it('storage fields without a storage system', () => {
    expect(issuesOf(`${JOB}reliability:\n  preset: llama3\n  checkpoint: { bytes: 1.0e12, keep: 3 }\n`)).toMatchObject([
      at(4, 'reliability.checkpoint.bytes', 'only applies with checkpoint.storage', { expected: 'checkpoint.storage, or no bytes' }),
      at(4, 'reliability.checkpoint.keep', 'only applies with checkpoint.storage', { expected: 'checkpoint.storage, or no keep' }),
    ]);
  });

  it('a fixed interval shorter than the storage drains one checkpoint (2 TB at 100 GB/s = 20 s)', () => {
    const text = (interval: number) => `${JOB}reliability:\n  preset: llama3\n  checkpoint: { storage: { writeGBps: 100, capacityTB: 100 }, bytes: 2.0e12, intervalS: ${interval} }\n`;
    expect(issuesOf(text(10))).toMatchObject([
      at(4, 'reliability.checkpoint.intervalS', 'is shorter than the storage needs to write one checkpoint', { expected: '>= 20.0 s (2.000 TB at 100 GB/s)', received: '10' }),
    ]);
    expect(scenarioOf(text(20)).job.checkpoint.intervalS).toBe(20);
  });

  it('storage too small for the kept checkpoints, in TB and PB', () => {
    const text = (bytes: string, capacityTB: number) => `${JOB}reliability: { preset: llama3, checkpoint: { storage: { writeGBps: 100, capacityTB: ${capacityTB} }, bytes: ${bytes} } }\n`;
    expect(issuesOf(text('1.0e15', 1500))).toMatchObject([
      at(2, 'reliability.checkpoint.storage', 'cannot hold 2 checkpoints of 1.00 PB', { expected: 'capacity >= 2.00 PB', received: '1.50 PB' }),
    ]);
    expect(issuesOf(text('2.5e13', 40))).toMatchObject([
      at(2, 'reliability.checkpoint.storage', 'cannot hold 2 checkpoints of 25.0 TB', { expected: 'capacity >= 50.0 TB', received: '40.0 TB' }),
    ]);
  });

  it('a storage system given field by field: required fields, defaults, a preset with overrides', () => {
    expect(issuesOf(`${JOB}reliability: { preset: llama3, checkpoint: { storage: { capacityTB: 10 }, bytes: 1.0e12 } }\n`)).toMatchObject([
      at(2, 'reliability.checkpoint.storage.writeGBps', 'is required', { expected: 'a number > 0' }),
    ]);
    const storage = (s: string) => scenarioOf(`${JOB}reliability: { preset: llama3, checkpoint: { storage: ${s}, bytes: 1.0e12 } }\n`).checkpointSpec?.storage;
    // Custom: reads at the write rate, 50 GB/s per node.
    expect(storage('{ writeGBps: 100, capacityTB: 10 }')).toEqual({ name: 'custom', tier: 'storage', writeGBps: 100, readGBps: 100, nodeGBps: 50, capacityTB: 10, source: 'scenario (user-supplied)' });
    const base = STORAGE_PRESETS['tectonic-llama3'];
    expect(storage('{ preset: tectonic-llama3 }')).toEqual(base);
    expect(storage('{ preset: tectonic-llama3, writeGBps: 500, tier: storage }')).toEqual({ ...base, writeGBps: 500, source: `${base.source}; overridden by the scenario: writeGBps, tier` });
  });
});

describe('scenario errors: the work estimate, horizons and restarts', () => {
  it('more expected failures than one run takes', () => {
    // 10 per GPU-hour × 64 GPUs = 640 /h × 3650 days × 24 × 100,000 = 5.61e12.
    expect(issuesOf(`job: { gpus: 64, days: 3650, stepTimeS: 1 }\nreliability: { causes: [{ name: a, perGpuHour: 10 }] }\nreplications: 100000\n`)).toMatchObject([
      at(3, 'replications', 'asks for more simulated failures than one run takes', {
        expected: 'at most 2e+8 expected failures (failures per hour x job.days x 24 x replications)',
        received: '5.61e+12 (640 failures/h x 3650 days x 100000)',
      }),
    ]);
  });

  it('with no failures at all, the automatic interval is the whole horizon', () => {
    const s = scenarioOf(`job: { gpus: 64, days: 2, stepTimeS: 1 }\nreliability: { causes: [{ name: a, perGpuHour: 0 }] }\n`);
    expect(s.job.checkpoint.intervalS).toBe(2 * 86400);
    expect(s.job.elastic).toBe(false);
    expect(s).not.toHaveProperty('target');
  });

  it('an elastic restart policy makes the job elastic with partial recovery (no state to copy without a storage plan)', () => {
    const s = scenarioOf(`job: { gpus: 64, days: 1, stepTimeS: 10, replicaNodes: 2 }\nreliability: { preset: llama3, restart: { policy: elastic, processStartS: 20, ncclPerRankS: 0.01 } }\n`);
    expect(s.job.elastic).toBe(true);
    // rejoin: 20 + (5 + 0.01 × 16 ranks) + 0 bytes; full restart: 30 + 20 + (5 + 0.01 × 64) + 2 steps × 10 s.
    expect(s.job.partialRecovery?.rejoinS).toBeCloseTo(25.16, 9);
    expect(s.job.partialRecovery?.fullRestartS).toBeCloseTo(75.64, 9);
    const full = scenarioOf(`job: { gpus: 64, days: 1, stepTimeS: 10 }\nreliability: { preset: llama3, restart: { policy: full } }\n`);
    expect(full.job.elastic).toBe(false);
    expect(full.job).not.toHaveProperty('partialRecovery');
  });
});

describe('scenario errors: each problem reported once, with what is expected', () => {
  const text = (job: string, rel = '{ preset: llama3 }') => `job: { ${job} }\nreliability: ${rel}\n`;
  const only = (t: string, options: ScenarioOptions = {}) => issuesOf(t, options).map(({ path, message, expected, received }) => ({ path, message, expected, received }));

  it('job fields: gpus in whole nodes, a missing gpus or horizon, one target, tokens per step', () => {
    expect(only(text('gpus: 1001, days: 1, stepTimeS: 1'))).toEqual([
      { path: 'job.gpus', message: 'must be a whole number of 8-GPU nodes', expected: 'a multiple of cluster.gpusPerNode (8)', received: '1001' },
    ]);
    // No gpus: the schema's issue alone (no "whole number of nodes" beside it).
    expect(only(text('days: 1, stepTimeS: 1')).map((i) => [i.path, i.message])).toEqual([['job.gpus', 'is required']]);
    expect(only(text('gpus: 64, stepTimeS: 1'))).toEqual([
      { path: 'job.days', message: 'is required', expected: 'a number >= 0.0006944444444444445 and <= 3650: a horizon from one minute to ten years', received: undefined },
    ]);
    expect(only(text('gpus: 64, days: 1, tokens: 1.0e9, steps: 5, tokensPerStep: 1.0e6, stepTimeS: 1'))).toEqual([
      { path: 'job.tokens', message: 'gives a second target', expected: 'one of job.steps, job.tokens (job.targetSteps is job.steps)', received: undefined },
    ]);
    expect(only(text('gpus: 64, days: 1, tokens: 1.0e9, stepTimeS: 1'))).toEqual([
      {
        path: 'job.tokensPerStep',
        message: 'is needed to turn job.tokens into steps',
        expected: 'job.tokensPerStep (global batch × sequence length), or job.model/training/parallel',
        received: undefined,
      },
    ]);
    // Without a step time, that is the one issue (tokens per step are not asked for as well).
    expect(only(text('gpus: 64, days: 1, tokens: 1.0e9'))).toEqual([
      { path: 'job.stepTimeS', message: 'is required', expected: 'a step time in seconds > 0, or job.model/training/parallel', received: undefined },
    ]);
  });

  it('reliability: causes needed, components need an inventory, restartS beside a restart model, bytes for a storage system', () => {
    expect(only(text('gpus: 64, days: 1, stepTimeS: 1', '{ restartS: 5 }'))).toEqual([
      { path: 'reliability', message: 'needs failure causes', expected: 'preset (llama3, meta-rsc1, meta-rsc2) and/or causes', received: undefined },
    ]);
    expect(only(text('gpus: 64, days: 1, stepTimeS: 1', '{ causes: [{ name: optic, perComponentHour: 1.0e-6, component: host-link }] }'))).toEqual([
      {
        path: 'reliability.causes[0].perComponentHour',
        message: "needs the cluster's components",
        expected: 'reliability.inventory: { fabric, ... }, or perGpuHour / perNodeHour / perSwitchHour',
        received: undefined,
      },
    ]);
    expect(only(text('gpus: 64, days: 1, stepTimeS: 1', '{ preset: llama3, restartS: 5, restart: { policy: full } }'))).toEqual([
      { path: 'reliability.restart', message: 'conflicts with reliability.restartS', expected: 'either a fixed restartS or a restart model, not both', received: undefined },
    ]);
    expect(only(text('gpus: 64, days: 1, stepTimeS: 1', '{ preset: llama3, checkpoint: { storage: tectonic-llama3 } }'))).toEqual([
      {
        path: 'reliability.checkpoint.bytes',
        message: 'is needed to size the checkpoint',
        expected: 'checkpoint.bytes, or job.model/training/parallel (bytes = parameters × bytesPerParam)',
        received: undefined,
      },
    ]);
    // Without a step time, only the step time is asked for.
    expect(only(text('gpus: 64, days: 1', '{ preset: llama3, checkpoint: { storage: tectonic-llama3 } }')).map((i) => i.path)).toEqual(['job.stepTimeS']);
  });
});

describe('scenario: what the job and reliability fields resolve to', () => {
  const s = (job: string, rel = '{ preset: llama3 }', options: ScenarioOptions = {}, cluster = '') =>
    scenarioOf(`${cluster}job: { ${job} }\nreliability: ${rel}\n`, options);

  it('targets: job.steps, job.targetSteps, tokens ÷ tokens per step (the resolver\'s unless given); tokens per step alone is no target', () => {
    expect(s('gpus: 64, days: 5, stepTimeS: 1, steps: 100').target).toEqual({ steps: 100 });
    expect(s('gpus: 64, days: 5, stepTimeS: 1, targetSteps: 100').job.targetSteps).toBe(100);
    expect(s('gpus: 64, days: 5, stepTimeS: 1, steps: 100, tokensPerStep: 1.0e6').target).toEqual({ steps: 100, tokensPerStep: 1e6 });
    const alone = s('gpus: 64, days: 5, stepTimeS: 1, tokensPerStep: 1.0e6');
    expect(alone).not.toHaveProperty('target');
    expect(alone.job).not.toHaveProperty('targetSteps');
    const model = 'gpus: 64, days: 5, model: x, tokens: 1.0e9';
    const resolver = () => ({ stepTimeS: 2, tokensPerStep: 1e6 });
    expect(s(model, undefined, { resolveStepTimeS: resolver }).target).toEqual({ steps: 1000, tokens: 1e9, tokensPerStep: 1e6 });
    expect(s(`${model}, tokensPerStep: 4.0e6`, undefined, { resolveStepTimeS: resolver }).target).toEqual({ steps: 250, tokens: 1e9, tokensPerStep: 4e6 });
    // Exactly the most steps the simulator takes.
    expect(s('gpus: 64, tokens: 1.0e15, tokensPerStep: 1, stepTimeS: 1.0e-6').target?.steps).toBe(1e15);
  });

  it('an open horizon is ten times the ideal time to the target, at least a day and at most ten years; a given horizon stays', () => {
    // 1,000 steps × 100 s × 10 = 1e6 s.
    const open = s('gpus: 64, stepTimeS: 100, steps: 1000');
    expect(open.openHorizon).toBe(true);
    expect(open.days).toBeCloseTo(1e6 / 86400, 12);
    expect(open.job.horizonS).toBeCloseTo(1e6, 6);
    expect(s('gpus: 64, stepTimeS: 1, steps: 10').days).toBe(1);
    expect(s('gpus: 64, stepTimeS: 1000, steps: 1.0e9').days).toBe(3650);
    const given = s('gpus: 64, days: 5, stepTimeS: 100, steps: 1000');
    expect(given.openHorizon).toBe(false);
    expect(given.days).toBe(5);
  });

  it('replicas, restart time, multipliers and intervals as given; defaults otherwise', () => {
    const d = s('gpus: 64, days: 1, stepTimeS: 1');
    expect(d.job).toMatchObject({ replicaNodes: 1, minReplicas: 1, elastic: false, restartS: 600, spareNodes: 0 });
    expect(d.sparesFromIdle).toBe(false);
    expect(d.intervalPolicy).toBe('auto');
    expect(d.job.causes.every((c) => !c.source.includes('rateMultiplier'))).toBe(true);
    const g = s('gpus: 64, days: 1, stepTimeS: 1, replicaNodes: 2, elastic: true', '{ preset: llama3, restartS: 120, checkpoint: { intervalS: 900 } }');
    expect(g.job).toMatchObject({ replicaNodes: 2, elastic: true, restartS: 120 });
    expect(g.intervalPolicy).toBe('fixed');
    expect(g.job.checkpoint.intervalS).toBe(900);
    expect(s('gpus: 64, days: 1, stepTimeS: 1', '{ preset: llama3, checkpoint: { intervalS: young } }').intervalPolicy).toBe('young');
    // An asynchronous stall as long as the write is allowed.
    expect(s('gpus: 64, days: 1, stepTimeS: 1', '{ preset: llama3, checkpoint: { async: true, writeS: 10, blockS: 10 } }').job.checkpoint.blockS).toBe(10);
  });

  it('spares: the given pool, else the cluster\'s idle nodes, else none', () => {
    const cluster = 'cluster: { gpus: 1024 }\n';
    const idle = s('gpus: 512, days: 1, stepTimeS: 1', undefined, {}, cluster);
    expect(idle.job.spareNodes).toBe(64);
    expect(idle.sparesFromIdle).toBe(true);
    const given = s('gpus: 512, days: 1, stepTimeS: 1', '{ preset: llama3, spareNodes: 5 }', {}, cluster);
    expect(given.job.spareNodes).toBe(5);
    expect(given.sparesFromIdle).toBe(false);
    const full = s('gpus: 1024, days: 1, stepTimeS: 1', undefined, {}, cluster);
    expect(full.job.spareNodes).toBe(0);
    expect(full.sparesFromIdle).toBe(false);
  });

  it('a storage system sizes the checkpoint from the model\'s parameters (14 bytes each) when no bytes are given; exactly full storage is enough', () => {
    const model = s('gpus: 64, days: 1, model: x', '{ preset: llama3, checkpoint: { storage: { writeGBps: 100, capacityTB: 28 } } }', {
      resolveStepTimeS: () => ({ stepTimeS: 2, paramsTotal: 1e12 }),
    });
    // 1e12 parameters × 14 B = 14 TB; two kept = 28 TB = the capacity. 14 TB at 100 GB/s = 140 s.
    expect(model.checkpointPlan?.bytes).toBe(14e12);
    expect(model.job.checkpoint.writeS).toBeCloseTo(140, 9);
    expect(model.checkpointPlan?.neededTB).toBe(model.checkpointPlan?.capacityTB);
  });
});

describe('scenario: the remaining rules, once each', () => {
  const only = (t: string, options: ScenarioOptions = {}) => issuesOf(t, options).map(({ path, message, expected, received }) => ({ path, message, expected, received }));
  const SECOND = 'exactly one of perGpuHour, perNodeHour, perSwitchHour, perComponentHour (with component)';

  it('fixed times beside a storage system; a step time beside training or parallel; training alone needs the resolver', () => {
    const conflict = 'either fixed times or a storage system that derives them, not both';
    expect(only(`${JOB}reliability: { preset: llama3, checkpoint: { storage: tectonic-llama3, bytes: 1.0e12, writeS: 3, restoreS: 4 } }\n`)).toEqual([
      { path: 'reliability.checkpoint.writeS', message: 'conflicts with checkpoint.storage', expected: conflict, received: undefined },
      { path: 'reliability.checkpoint.restoreS', message: 'conflicts with checkpoint.storage', expected: conflict, received: undefined },
    ]);
    expect(only(`job: { gpus: 64, days: 1, stepTimeS: 1, parallel: { tp: 8 } }\nreliability: { preset: llama3 }\n`).map((i) => [i.path, i.message])).toEqual([
      ['job.stepTimeS', 'conflicts with job.model/training/parallel'],
    ]);
    expect(only(`job: { gpus: 64, days: 1, training: { seqLen: 8 } }\nreliability: { preset: llama3 }\n`)).toEqual([
      { path: 'job.model', message: 'cannot be resolved to a step time here: the performance model is not wired into the simulator yet', expected: 'job.stepTimeS', received: undefined },
    ]);
  });

  it('the resolver gets exactly the job\'s model, training and parallel, and the system it runs on', () => {
    let seen: unknown;
    const resolveStepTimeS = (spec: unknown) => {
      seen = spec;
      return 2;
    };
    scenarioOf(`job: { gpus: 64, days: 1, model: m, training: { seqLen: 8 }, parallel: { tp: 8 } }\nreliability: { preset: llama3 }\n`, { resolveStepTimeS });
    expect(seen).toEqual({ model: 'm', training: { seqLen: 8 }, parallel: { tp: 8 }, system: { gpusPerNode: 8, gpus: 64 } });
    scenarioOf(`cluster: { gpu: h100-sxm, gpusPerNode: 4 }\njob: { gpus: 64, days: 1, parallel: { tp: 4 } }\nreliability: { preset: llama3 }\n`, { resolveStepTimeS });
    expect(seen).toEqual({ model: undefined, training: undefined, parallel: { tp: 4 }, system: { gpusPerNode: 4, gpu: 'h100-sxm', gpus: 64 } });
  });

  it('custom causes: a second rate, no rate, a bad field or an item that is not an object is reported once', () => {
    expect(only(`${JOB}reliability: { causes: [{ name: a, perGpuHour: 1.0e-6, perNodeHour: 1.0e-6 }, { name: b }] }\n`)).toEqual([
      { path: 'reliability.causes[0].perNodeHour', message: 'gives a second rate', expected: SECOND, received: undefined },
      { path: 'reliability.causes[1]', message: 'needs a rate', expected: SECOND, received: undefined },
    ]);
    expect(only(`${JOB}reliability: { causes: [{ name: a, perGpuHour: 1.0e-6, detectS: -1 }] }\n`).map((i) => [i.path, i.message])).toEqual([['reliability.causes[0].detectS', 'is out of range']]);
    expect(only(`${JOB}reliability: { causes: [3] }\n`).map((i) => [i.path, i.message])).toEqual([['reliability.causes[0]', 'has the wrong type']]);
  });

  it('a plain custom cause has no component; an empty override changes nothing', () => {
    const s = scenarioOf(`${JOB}reliability:\n  causes: [{ name: a, perNodeHour: 1.0e-6, source: mine }]\n  overrides: { a: {} }\n`);
    expect(s.job.causes).toEqual([{ name: 'a', ratePerUnitHour: 1e-6, unit: 'node', scope: 'node', detectS: 30, repairHours: 48, silent: false, source: 'mine' }]);
  });

  it('storage too small at exactly 10 TB per checkpoint', () => {
    expect(only(`${JOB}reliability: { preset: llama3, checkpoint: { storage: { writeGBps: 100, capacityTB: 15 }, bytes: 1.0e13 } }\n`)).toEqual([
      { path: 'reliability.checkpoint.storage', message: 'cannot hold 2 checkpoints of 10.0 TB', expected: 'capacity >= 20.0 TB', received: '15.0 TB' },
    ]);
  });

  it('a custom storage tier, and a source given with the system', () => {
    const s = scenarioOf(`${JOB}reliability: { preset: llama3, checkpoint: { storage: { tier: peer-memory, writeGBps: 10, capacityTB: 1, source: lab }, bytes: 1.0e11 } }\n`);
    expect(s.checkpointSpec?.storage).toMatchObject({ tier: 'peer-memory', source: 'lab', name: 'custom' });
    // Peer memory: every node writes its share at min(write, NIC) = 10 GB/s; 8 nodes hold 8 TB.
    expect(s.checkpointPlan?.storageGBps).toBe(80);
    expect(s.checkpointPlan?.capacityTB).toBe(8);
  });
});

describe('scenario: optional parts appear only when given', () => {
  it('a minimal scenario has no name, GPU, cluster size, preset, storage, restart model, inventory, repair crews, burn-in or target', () => {
    const s = scenarioOf(`${JOB}reliability: { causes: [{ name: a, perGpuHour: 1.0e-6 }], burnIn: { days: 0, rateMultiplier: 3 } }\n`);
    for (const k of ['name', 'gpu', 'clusterGpus', 'preset', 'checkpointSpec', 'checkpointPlan', 'restart', 'restartBreakdown', 'inventorySpec', 'inventory', 'baseCauses', 'target'])
      expect(s, k).not.toHaveProperty(k);
    for (const k of ['repairCrews', 'burnIn', 'targetSteps', 'partialRecovery']) expect(s.job, k).not.toHaveProperty(k);
  });

  it('a full one carries them', () => {
    const s = scenarioOf(`name: big
cluster: { gpu: h100-sxm, gpus: 1024 }
job: { gpus: 512, days: 2, stepTimeS: 1 }
reliability:
  preset: meta-rsc1
  repairCrews: 3
  burnIn: { days: 1, rateMultiplier: 2 }
  inventory: { fabric: colossus-spectrum-x, switchPorts: 64, nicsPerGpu: 2, psusPerNode: 4 }
`);
    expect(s).toMatchObject({ name: 'big', gpu: 'h100-sxm', clusterGpus: 1024, preset: 'meta-rsc1' });
    expect(s.job.repairCrews).toBe(3);
    expect(s.job.burnIn).toEqual({ untilS: 86400, rateMultiplier: 2 });
    expect(s.inventorySpec).toMatchObject({ switchPorts: 64, nicsPerGpu: 2, psusPerNode: 4, gpusPerNode: 8 });
    expect(s.inventory?.nics).toBe(1024);
    expect(s.baseCauses).toEqual(s.job.causes);
  });
});

describe('scenario: the warning for a rigid job without spares', () => {
  // 8 nodes: node faults 0.01 /node-h → 0.08 /h, 10 h repairs; leaf faults 0.016 /switch-h on ½ a
  // switch → 0.008 /h, 40 h repairs; a job-scope bug and a zero-rate cause evict nothing.
  // 0.088 /h = 2.1 a day; mean repair (10 × 0.08 + 40 × 0.008) / 0.088 = 12.7 h.
  const causes = `[{ name: n, perNodeHour: 0.01, repairHours: 10 }, { name: l, perSwitchHour: 0.016, repairHours: 40 }, { name: bug, perGpuHour: 0.001, scope: job }, { name: z, perNodeHour: 0, repairHours: 1000 }]`;
  it('says how often a failure waits, and for how long', () => {
    expect(scenarioOf(`${JOB}reliability: { causes: ${causes} }\n`).warnings).toEqual([
      'no spare nodes and not elastic: every node-evicting failure (2.1 a day) waits for a repair (mean 13 h) before the job can restart; give reliability.spareNodes, cluster.gpus above job.gpus, or job.elastic',
    ]);
  });

  it('not with spares, not for an elastic job, not when nothing evicts a node', () => {
    expect(scenarioOf(`${JOB}reliability: { causes: ${causes}, spareNodes: 1 }\n`).warnings).toEqual([]);
    expect(scenarioOf(`job: { gpus: 64, days: 1, stepTimeS: 1, elastic: true }\nreliability: { causes: ${causes} }\n`).warnings).toEqual([]);
    expect(scenarioOf(`${JOB}reliability: { causes: [{ name: bug, perGpuHour: 0.001, scope: job }, { name: z, perNodeHour: 0 }] }\n`).warnings).toEqual([]);
  });
});

describe('scenario: a few more exact rules', () => {
  it('a repeated name is flagged at the later custom cause that has it', () => {
    expect(
      issuesOf(`${JOB}reliability:\n  causes:\n    - { name: a, perGpuHour: 1.0e-6 }\n    - { name: a, perGpuHour: 2.0e-6 }\n    - { name: b, perGpuHour: 1.0e-6 }\n`).map((i) => i.path),
    ).toEqual(['reliability.causes[1].name']);
  });

  it('bytesPerParam without a storage system', () => {
    expect(issuesOf(`${JOB}reliability: { preset: llama3, checkpoint: { bytesPerParam: 12 } }\n`)).toMatchObject([
      at(2, 'reliability.checkpoint.bytesPerParam', 'only applies with checkpoint.storage', { expected: 'checkpoint.storage, or no bytesPerParam' }),
    ]);
  });

  it('the resolver is not told a GPU count that was refused', () => {
    let seen: { system?: Record<string, unknown> } = {};
    issuesOf(`job: { gpus: 1001, days: 1, model: m }\nreliability: { preset: llama3 }\n`, {
      resolveStepTimeS: (spec) => {
        seen = spec as typeof seen;
        return 1;
      },
    });
    expect(seen.system).toEqual({ gpusPerNode: 8 });
  });

  it('with a storage system the automatic interval is the policy\'s unless the storage drains slower', () => {
    const fast = scenarioOf(`${JOB}reliability: { preset: llama3, checkpoint: { storage: tectonic-llama3, bytes: 1.0e12 } }\n`);
    // 1 TB at min(2,000 GB/s, 8 nodes × 50 GB/s) = 400 GB/s: 2.5 s to drain; the Daly interval is far longer.
    expect(fast.checkpointPlan?.drainS).toBeCloseTo(2.5, 9);
    expect(fast.job.checkpoint.intervalS).toBeGreaterThan(100);
    // MTBF 10,000 s (0.36 /h on 64 GPUs); 19 TB at 1 GB/s = 19,000 s to drain = 1.9 MTBF, where Daly's
    // interval (≈ 0.89 MTBF) is shorter than the drain: the interval is the drain.
    const slow = scenarioOf(`${JOB}reliability: { causes: [{ name: a, perGpuHour: 0.005625, scope: job }], checkpoint: { storage: { writeGBps: 1, capacityTB: 100 }, bytes: 1.9e13 } }\n`);
    expect(slow.job.checkpoint.intervalS).toBeCloseTo(19_000, 6);
  });
});
