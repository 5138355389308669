import type { Command } from 'commander';
import { InputError, formatIssue, type Issue } from '../../core/index.js';
import { estimate, estimateIssues, explainPipeline, type Estimate } from '../../model/index.js';
import { parseSpecValue, planLabel, spareGpus, type Spec } from '../../spec/index.js';
import { loadCalibration } from '../calibration-option.js';
import { CliError } from '../errors.js';
import { bar, duration, num, pct, table } from '../format.js';
import { printJson, readDocumentWithSets } from '../io.js';
import { addSetOption, attributeToSets } from '../overrides.js';

type Outcome = { spec: Spec; estimate: Estimate } | { issues: Issue[] };

export function registerEstimate(program: Command): void {
  const cmd = program
    .command('estimate')
    .description('Step time, throughput, MFU and memory per GPU for a model, a system and a parallel plan')
    .argument('<spec>', 'spec file (YAML or JSON): one spec, or an array of specs; - reads standard input')
    .option('--json', 'print JSON (an array of results for an array of specs)')
    .option('--explain-pipeline', 'play one step of the plan on the event-level pipeline reference: its timeline (in --json: estimate.pipeline.timeline) and step next to the closed form\'s')
    .option('--calibration <profile>', 'use the efficiencies measured by `colossus calibrate` for the profile\'s GPU (other GPUs keep the defaults)');
  addSetOption(cmd)
    .addHelpText(
      'after',
      `
dp may be left out: it is derived as the largest that fits the GPUs and divides the global
batch, and the GPUs left over are reported as spare.
Free knobs of the plan (microBatch, vpp, recompute, sequenceParallel, distributedOptimizer,
zeroStage) are resolved to the fastest values that fit in memory; the result says which.

Examples:
  colossus estimate examples/llama3-405b.yaml --json
  colossus estimate examples/llama3-405b.yaml --set system.gpu=h200-sxm --set parallel.pp=8`,
    )
    .action((file: string, opts: { json?: boolean; calibration?: string; explainPipeline?: boolean; set?: string[] }) => {
      const cal = opts.calibration !== undefined ? loadCalibration(opts.calibration) : undefined;
      const { doc, sets } = readDocumentWithSets(file, opts.set);
      const values = Array.isArray(doc.value) ? doc.value : [doc.value];
      const outcomes: Outcome[] = values.map((v, i) => {
        const r = parseSpecValue(v, doc, Array.isArray(doc.value) ? [i] : []);
        if (!r.ok) return { issues: attributeToSets(r.issues, sets) };
        const eff = cal?.effFor(r.spec.system.gpu.id);
        if (cal && !eff) {
          process.stderr.write(`note: ${Array.isArray(doc.value) ? `[${i}] ` : ''}${r.spec.system.gpu.id} is not the calibrated GPU (${cal.gpu.id}): model defaults used\n`);
        }
        const e = estimate(r.spec, eff);
        if (opts.explainPipeline) {
          const x = explainPipeline({ ...r.spec, parallel: e.parallel }, eff);
          e.pipeline.timeline = x.timeline;
          if (!opts.json) process.stderr.write(`${pipelineText(x)}\n`);
        }
        const broken = estimateIssues(e);
        if (broken.length > 0) return { issues: broken.map((x) => ({ ...x, path: Array.isArray(doc.value) ? `[${i}].${x.path}` : x.path, ...(doc.file !== undefined ? { file: doc.file } : {}) })) };
        return { spec: r.spec, estimate: e };
      });
      if (!Array.isArray(doc.value)) {
        const only = outcomes[0];
        if (!only || 'issues' in only) throw new InputError(only?.issues ?? []);
      }
      if (Array.isArray(doc.value) && outcomes.length === 0) throw new CliError(`${file}: the array of specs is empty`);
      const anyOk = outcomes.some((o) => 'estimate' in o);
      if (opts.json) {
        const out = outcomes.map((o) => ('estimate' in o ? { ...o.estimate, spareGpus: spareGpus(o.spec), spec: { model: o.spec.model.name, gpu: o.spec.system.gpu.id, gpus: o.spec.system.gpus, precision: o.spec.training.precision } } : { error: { message: 'invalid spec', issues: o.issues } }));
        printJson(Array.isArray(doc.value) ? out : out[0]);
      } else {
        outcomes.forEach((o, i) => {
          if (Array.isArray(doc.value)) process.stdout.write(`${i ? '\n' : ''}[${i}] `);
          if ('estimate' in o) {
            if (cal && o.spec.system.gpu.id === cal.gpu.id) process.stdout.write(`calibrated: ${cal.file} (${cal.profile.device.name}, ${cal.profile.date})\n`);
            process.stdout.write(`${renderEstimate(o.spec, o.estimate)}\n`);
          } else process.stdout.write(`invalid spec\n${o.issues.map((x) => `  ${formatIssue(x)}`).join('\n')}\n`);
        });
      }
      if (!anyOk) process.exitCode = 1;
    });
}

export function renderEstimate(spec: Spec, e: Estimate): string {
  const p = e.parallel;
  const lines: string[] = [];
  lines.push(`${spec.model.name} on ${num(spec.system.gpus)} × ${spec.system.gpu.name} (${spec.training.precision}, seq ${num(spec.training.seqLen)}, batch ${num(spec.training.globalBatch)}, ${spec.training.stack ?? 'megatron-core'})`);
  lines.push(
    `plan: ${planLabel(p, { schedule: 'always' })} (${num(e.microBatchesPerStep)} micro-batches per step)`,
  );
  const spare = spareGpus(spec);
  if (spare > 0) lines.push(`dp derived: the plan uses ${num(spec.system.gpus - spare)} of ${num(spec.system.gpus)} GPUs, ${num(spare)} spare`);
  lines.push('');
  lines.push(
    table(
      ['metric', 'value'],
      [
        ['step time', duration(e.stepTimeS)],
        ['tokens/s per GPU', num(e.tokensPerSecPerGpu, 1)],
        ...(e.tokensPerSecPerGpuBand ? [[`  ${pct(e.tokensPerSecPerGpuBand.coverage)} band`, `${num(e.tokensPerSecPerGpuBand.low, 0)} – ${num(e.tokensPerSecPerGpuBand.high, 0)} (${e.tokensPerSecPerGpuBand.cases} published ${e.tokensPerSecPerGpuBand.group} runs)`]] : []),
        ['tokens/s (job)', num(e.tokensPerSec, 0)],
        ['model TFLOP/s per GPU', num(e.modelTflopsPerGpu, 1)],
        [`MFU (of ${num(e.peakTflops, 0)} TFLOP/s)`, pct(e.mfu)],
        ['HFU', pct(e.hfu)],
        ['memory per GPU', `${e.memory.totalGiB.toFixed(1)} / ${e.memory.usableGiB.toFixed(1)} GiB ${e.fits ? '(fits)' : '(DOES NOT FIT)'}`],
        ...(e.timeToTrainDays !== undefined ? [['time to train', `${e.timeToTrainDays.toFixed(1)} days (no failures)`]] : []),
      ],
    ),
  );
  lines.push('');
  const b = e.breakdown;
  const c = b.exposedCommS;
  const parts: [string, number][] = [
    ['compute', b.computeS],
    ['TP comm (exposed)', c.tp],
    ['CP comm (exposed)', c.cp],
    ['EP all-to-all (exposed)', c.ep],
    ['PP send/recv', c.pp],
    ['DP grad sync (exposed)', c.dp],
    ['ZeRO gathers (exposed)', c.zero],
    ['pipeline bubble', b.bubbleS],
    ['MoE load imbalance', b.moeImbalanceS],
    ['stragglers (slowest GPU)', b.stragglerS],
    ['optimizer', b.optimizerS],
    ['kernel overheads', b.otherS],
  ];
  lines.push(
    table(
      ['step time breakdown', 'time', 'share', ''],
      parts.filter(([, v]) => v > 0).map(([k, v]) => [k, duration(v), pct(v / e.stepTimeS), bar(v / e.stepTimeS)]),
      ['left', 'right', 'right', 'left'],
    ),
  );
  lines.push('');
  const n = e.network;
  const kinds: [keyof typeof c, string][] = [['tp', 'TP'], ['cp', 'CP'], ['ep', 'EP'], ['pp', 'PP'], ['dp', 'DP'], ['zero', 'ZeRO']];
  const routed = kinds.filter(([k]) => n.routes[k].size > 1);
  if (routed.length) {
    lines.push(`fabric: ${n.fabric} (${n.tiers.join(' → ')})`);
    lines.push(
      table(
        ['traffic', 'group', 'highest tier', 'algorithm', 'exposed'],
        routed.map(([k, label]) => {
          const r = n.routes[k];
          return [label, `${num(r.size)} × stride ${num(r.stride)}`, r.tier, r.algorithm, duration(c[k])];
        }),
        ['left', 'right', 'left', 'left', 'right'],
      ),
    );
    lines.push('');
  }
  const m = e.memory;
  lines.push(
    table(
      ['memory per GPU', 'GiB'],
      [
        ['weights', m.weightsGiB.toFixed(2)],
        ['gradients', m.gradientsGiB.toFixed(2)],
        ['optimizer states', m.optimizerGiB.toFixed(2)],
        ['activations', m.activationsGiB.toFixed(2)],
        ['workspace & buffers', m.workspaceGiB.toFixed(2)],
        ['total', m.totalGiB.toFixed(2)],
      ],
    ),
  );
  return lines.join('\n');
}

/** A text Gantt of the reference timeline: one row per device (at most 16), F/B/W/X (overlapped F&B) over 100 columns. */
function pipelineText(x: ReturnType<typeof explainPipeline>): string {
  const cols = 100;
  const T = x.referenceS;
  const devices = Math.min(16, 1 + Math.max(...x.timeline.map((o) => o.device)));
  const rows = Array.from({ length: devices }, () => Array<string>(cols).fill('.'));
  for (const o of x.timeline) {
    if (o.device >= devices) continue;
    const ch = o.op === 'FB' ? 'X' : o.op;
    for (let c = Math.floor((o.startS / T) * cols); c < Math.min(cols, Math.ceil((o.endS / T) * cols)); c++) (rows[o.device] as string[])[c] = ch;
  }
  const head = `pipeline (event reference): ${duration(x.referenceS)} per step (closed form ${duration(x.closedFormS)}); F forward, B backward, W weight gradients, X overlapped F&B, . idle`;
  return [head, ...rows.map((r, d) => `  ${String(d).padStart(3)} ${r.join('')}`)].join('\n');
}
