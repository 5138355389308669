import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fitProfile, parseProfileValue } from '../calibration/index.js';
import { main } from '../cli/main.js';
import { InputError, parseDocumentText } from '../core/index.js';
import { estimate, estimateIssues } from '../model/index.js';
import { parseCampaignScenario } from '../scenario/index.js';
import { createApp } from '../server/index.js';
import { resolveStepTimeS } from '../search/index.js';
import { parseScenario } from '../sim/index.js';
import { parseSpecValue } from '../spec/index.js';
import { openStore, type RunStore } from '../store/index.js';
import { parseSweepDocument } from '../sweep/parse-sweep.js';
import { handMadeHostileFiles, hostileCases, type HostileCase } from './hostile.js';

/**
 * Fuzzing every input format (spec, simulator scenario, campaign scenario, sweep, calibration
 * profile), the four POST routes in-process and the CLI's file-reading commands, with generated
 * hostile documents (fast-check) and hand-made hostile files. Each case must end in a result or a
 * clean refusal (InputError / 4xx with issues): no other exception, no 5xx, no stack in a body, no
 * case over 10 s. COLOSSUS_FUZZ_RUNS sets the generated cases per format (default 200: about 1,700
 * cases in all); `npm run fuzz` runs 1,800 per format (about 11,000 cases) and prints the figures.
 */
const RUNS = Math.max(10, Number(process.env.COLOSSUS_FUZZ_RUNS ?? 200));
const SEED = Number(process.env.COLOSSUS_FUZZ_SEED ?? 20261201);
const HANG_MS = 10_000;
const STACK = /\n\s+at .*:\d+:\d+|node:internal|(?:Type|Reference|Range|Syntax)Error:/;
const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p: string): unknown => parseDocumentText(readFileSync(join(root, p), 'utf8'), p).value;
const dir = mkdtempSync(join(tmpdir(), 'colossus-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Figures {
  cases: number;
  accepted: number;
  refused: number;
  failures: { name: string; why: string; text: string }[];
  maxMs: number;
}
const figures = new Map<string, Figures>();
const figuresFor = (target: string): Figures => {
  let f = figures.get(target);
  if (!f) figures.set(target, (f = { cases: 0, accepted: 0, refused: 0, failures: [], maxMs: 0 }));
  return f;
};

/** Run one case; `fn` resolves to 'accepted' or 'refused' or throws (an InputError counts as refused). */
async function probe(target: string, name: string, text: string, fn: () => Promise<'accepted' | 'refused'> | 'accepted' | 'refused'): Promise<void> {
  const f = figuresFor(target);
  f.cases++;
  const t0 = performance.now();
  let outcome: 'accepted' | 'refused' | undefined;
  let why: string | undefined;
  try {
    outcome = await fn();
  } catch (err) {
    if (err instanceof InputError) outcome = 'refused';
    else why = `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
  }
  const ms = performance.now() - t0;
  f.maxMs = Math.max(f.maxMs, ms);
  if (ms > HANG_MS) why = `took ${Math.round(ms)} ms`;
  if (why !== undefined) f.failures.push({ name, why, text: text.length > 300 ? `${text.slice(0, 300)}…` : text });
  else if (outcome === 'accepted') f.accepted++;
  else f.refused++;
}

const BASES = {
  spec: read('examples/llama3-405b.yaml'),
  scenario: read('scenarios/sim-llama3.yaml'),
  campaign: read('scenarios/colossus.yaml'),
  sweep: read('scenarios/sweep-example.yaml'),
  profile: JSON.parse(readFileSync(join(root, 'calibration/fixtures/h100-example.json'), 'utf8')) as unknown,
};
type Format = keyof typeof BASES;

/** Parse and validate `text` as `format`, and compute what is cheap to compute from an accepted document. */
function parseAs(format: Format, c: { text: string; file: string }): 'accepted' | 'refused' {
  const doc = parseDocumentText(c.text, c.file);
  switch (format) {
    case 'spec': {
      const values = Array.isArray(doc.value) ? doc.value : [doc.value];
      let any = false;
      values.slice(0, 20).forEach((v, i) => {
        const r = parseSpecValue(v, doc, Array.isArray(doc.value) ? [i] : []);
        if (r.ok && estimateIssues(estimate(r.spec)).length === 0) any = true;
      });
      return any ? 'accepted' : 'refused';
    }
    case 'scenario':
      return parseScenario(doc, doc.value, { resolveStepTimeS }).ok ? 'accepted' : 'refused';
    case 'campaign':
      return parseCampaignScenario(doc, doc.value).ok ? 'accepted' : 'refused';
    case 'sweep':
      return parseSweepDocument(doc).ok ? 'accepted' : 'refused';
    case 'profile': {
      const r = parseProfileValue(doc.value, doc);
      if (!r.ok) return 'refused';
      fitProfile(r.profile);
      return 'accepted';
    }
  }
}

const generated = (format: Format, n: number, offset = 0): HostileCase[] => fc.sample(hostileCases(BASES[format] as never), { numRuns: n, seed: SEED + offset });

describe('fuzz: the input formats', () => {
  for (const format of Object.keys(BASES) as Format[]) {
    it(`${format}: ${RUNS} generated hostile documents and the hand-made hostile files`, async () => {
      for (const [i, c] of generated(format, RUNS, format.length).entries()) await probe(`format ${format}`, `#${i}`, c.text, () => parseAs(format, c));
      for (const h of handMadeHostileFiles()) await probe(`format ${format}`, h.name, h.text, () => parseAs(format, { text: h.text, file: `${h.name}.yaml` }));
      const f = figuresFor(`format ${format}`);
      expect(f.failures).toEqual([]);
      expect(f.accepted).toBeGreaterThan(0);
      expect(f.refused).toBeGreaterThan(0);
    }, 600_000);
  }
});

const TINY_CAMPAIGN = {
  name: 'tiny',
  horizonDays: 60,
  deliveries: [{ gpu: 'h100-sxm', gpus: 1024, fromDay: 0, toDay: 4 }],
  site: { gpusPerServer: 8, serversPerRack: 8, racksPerArray: 8 },
  training: { model: 'llama3-8b', seqLen: 8192, globalBatch: 512, tokens: 5e10, startFraction: 0.5 },
  reliability: { preset: 'llama3' },
};
const SMALL_SIM = { cluster: { gpu: 'h100-sxm', gpus: 1024 }, job: { gpus: 1024, days: 7, stepTimeS: 10 }, reliability: { preset: 'llama3' }, replications: 2 };
const SMALL_SPEC = { model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 64 }, training: { seqLen: 4096, globalBatch: 256 } };
const ROUTES: [string, unknown][] = [
  ['/api/estimate', { ...SMALL_SPEC, parallel: { tp: 1, pp: 1, dp: 64 } }],
  ['/api/search?top=2', SMALL_SPEC],
  ['/api/simulate', SMALL_SIM],
  ['/api/runs', TINY_CAMPAIGN],
];

describe('fuzz: the four POST routes (in-process server)', () => {
  let store: RunStore | undefined;
  const logged: string[] = [];
  const app = createApp({ webDir: null, store: () => (store ??= openStore(join(dir, 'fuzz.db'))), logError: (err, where) => logged.push(`${where}: ${String(err)}`) });
  afterAll(() => store?.close());
  const perRoute = Math.max(5, Math.floor(RUNS / 5));

  for (const [route, base] of ROUTES) {
    it(`${route}: ${perRoute} generated bodies and the hand-made hostile files → 2xx or 4xx, never 5xx or a stack`, async () => {
      const cases: HostileCase[] = [
        ...fc.sample(hostileCases(base as never), { numRuns: perRoute, seed: SEED + route.length }),
        ...handMadeHostileFiles().map((h) => ({ text: h.text, type: 'application/yaml' as const, file: h.name })),
      ];
      const before = logged.length;
      for (const [i, c] of cases.entries()) {
        await probe(`route ${route.split('?')[0]}`, `#${i}`, c.text, async () => {
          const res = await app.request(route, { method: 'POST', headers: { 'content-type': c.type }, body: c.text });
          const body = await res.text();
          if (res.status >= 500) throw new Error(`status ${res.status}: ${body.slice(0, 200)}`);
          if (STACK.test(body)) throw new Error(`a stack in the body: ${body.slice(0, 200)}`);
          return res.status < 300 ? 'accepted' : 'refused';
        });
      }
      expect(figuresFor(`route ${route.split('?')[0]}`).failures).toEqual([]);
      expect(logged.slice(before)).toEqual([]);
    }, 600_000);
  }
});

describe('fuzz: the CLI file-reading commands (in-process main)', () => {
  const entry: [string, (f: string) => string[]][] = [
    ['estimate', (f) => ['estimate', f, '--json']],
    ['search', (f) => ['search', f, '--json', '--top', '1']],
    ['simulate', (f) => ['simulate', f, '--json', '--threads', '1']],
    ['run', (f) => ['run', f, '--db', join(dir, 'cli.db'), '--report', join(dir, 'r.html'), '--json']],
    ['sweep', (f) => ['sweep', f, '--threads', '1', '--json']],
    ['calibrate --fit', (f) => ['calibrate', '--fit', f, '--json']],
    ['estimate --calibration', (f) => ['estimate', join(root, 'examples/llama3-405b.yaml'), '--calibration', f, '--json']],
  ];
  const perCommand = Math.max(3, Math.floor(RUNS / 40));
  const formatOf: Record<string, Format> = { estimate: 'spec', search: 'spec', simulate: 'scenario', run: 'campaign', sweep: 'sweep', 'calibrate --fit': 'profile', 'estimate --calibration': 'profile' };

  it(`every entry point: the hand-made hostile files and ${perCommand} generated documents each → exit 0/1/2, no stack`, async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err: string[] = [];
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
    try {
      for (const [name, args] of entry) {
        const format = formatOf[name] as Format;
        // estimate needs a plan; search finds one.
        const spec = name.startsWith('estimate') ? { ...SMALL_SPEC, parallel: { tp: 1, pp: 1, dp: 64 } } : SMALL_SPEC;
        const small: Partial<Record<Format, unknown>> = { campaign: TINY_CAMPAIGN, scenario: SMALL_SIM, spec };
        const files = [
          ...handMadeHostileFiles().filter((h) => h.text.length < 3_000_000),
          ...fc.sample(hostileCases((small[format] ?? BASES[format]) as never), { numRuns: perCommand, seed: SEED + name.length }).map((c, i) => ({ name: `gen${i}`, text: c.text, json: c.type === 'application/json' })),
        ];
        for (const h of files) {
          const file = join(dir, `${h.name}.${'json' in h && h.json ? 'json' : 'yaml'}`);
          writeFileSync(file, h.text);
          await probe(`cli ${name}`, h.name, h.text.slice(0, 300), async () => {
            err.length = 0;
            process.exitCode = undefined;
            const code = await main(args(file));
            process.exitCode = undefined;
            if (code !== 0 && code !== 1 && code !== 2) throw new Error(`exit ${code}`);
            const printed = err.join('');
            if (STACK.test(printed)) throw new Error(`a stack on stderr: ${printed.slice(0, 300)}`);
            return code === 0 ? 'accepted' : 'refused';
          });
        }
        expect(figuresFor(`cli ${name}`).failures).toEqual([]);
      }
    } finally {
      out.mockRestore();
      errSpy.mockRestore();
    }
  }, 600_000);
});

afterAll(() => {
  const rows = [...figures.entries()].map(([t, f]) => `${t.padEnd(30)} ${String(f.cases).padStart(6)} cases, ${String(f.accepted).padStart(5)} accepted, ${String(f.refused).padStart(6)} refused, ${f.failures.length} failures, max ${Math.round(f.maxMs)} ms`);
  const total = [...figures.values()].reduce((s, f) => ({ cases: s.cases + f.cases, failures: s.failures + f.failures.length, maxMs: Math.max(s.maxMs, f.maxMs) }), { cases: 0, failures: 0, maxMs: 0 });
  const text = `fuzz (seed ${SEED}, ${RUNS} per format):\n${rows.join('\n')}\nall: ${total.cases} cases, ${total.failures} failures (stack traces, exit 70, 5xx, exceptions), slowest case ${Math.round(total.maxMs)} ms\n`;
  process.stdout.write(text);
  if (process.env.COLOSSUS_FUZZ_REPORT) writeFileSync(process.env.COLOSSUS_FUZZ_REPORT, `${JSON.stringify({ seed: SEED, runs: RUNS, total, targets: Object.fromEntries([...figures].map(([t, f]) => [t, { ...f, failures: f.failures.slice(0, 20) }])) }, null, 2)}\n`);
});
