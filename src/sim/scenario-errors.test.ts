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
