import type { Command } from 'commander';
import { checkedResult } from '../../core/index.js';
import { printJson, readDocumentWithSets } from '../io.js';
import { addSetOption, attributing } from '../overrides.js';
import { intOption } from '../options.js';
import { resolveStepTimeS } from '../../search/index.js';
import { createReplicationPool } from '../../sim/node/pool.js';
import {
  optimizeCheckpoint,
  optimizeSpares,
  parseScenarioOrThrow,
  summarizeReplications,
  type CheckpointOptimization,
  type SimulationResult,
  type SpareOptimization,
} from '../../sim/index.js';

interface SimulateOptions {
  json?: boolean;
  seed?: string;
  replications?: string;
  optimizeCheckpoint?: boolean;
  optimizeSpares?: boolean;
  threads?: string;
  set?: string[];
}

/** `colossus simulate SCENARIO [--json] [--seed N] [--replications R] [--optimize-checkpoint] [--optimize-spares]`. */
export function registerSimulate(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('Simulate a long training job with failures, checkpoints, restarts and spares (ETTR, interruptions, lost work)')
    .argument('<scenario>', 'scenario file (YAML or JSON), or - for standard input')
    .option('--json', 'print the result as JSON')
    .option('--seed <n>', 'random seed (overrides the scenario)')
    .option('--replications <n>', 'number of replications (overrides the scenario)')
    .option('--optimize-checkpoint', 'sweep the checkpoint interval and compare the best with Young/Daly')
    .option('--optimize-spares', 'simulate spare pools from none to several times the nodes in repair: ETTR against spare nodes')
    .option('--threads <n>', 'worker threads for replications (default: all cores; 1 = this thread)');
  addSetOption(cmd)
    .action(async (file: string, opts: SimulateOptions) => {
      await simulateCommand(file, opts);
    });
}

async function simulateCommand(file: string, opts: SimulateOptions): Promise<void> {
  const seed = intOption(opts.seed, '--seed', 0, Number.MAX_SAFE_INTEGER);
  const replications = intOption(opts.replications, '--replications', 1, 100_000);
  const threads = intOption(opts.threads, '--threads', 1, 256);
  const { doc, sets } = readDocumentWithSets(file, opts.set);
  const scenario = attributing(sets, () =>
    parseScenarioOrThrow(doc, {
      resolveStepTimeS,
      ...(seed !== undefined ? { seed } : {}),
      ...(replications !== undefined ? { replications } : {}),
    }),
  );

  const bar = process.stderr.isTTY ? progressBar() : undefined;
  const pool = createReplicationPool({
    ...(threads !== undefined ? { threads } : {}),
    ...(bar ? { onProgress: bar.update } : {}),
  });
  try {
    bar?.label('simulating');
    const reps = await pool.run(scenario.job, scenario.seed, scenario.replications);
    const result = checkedResult('simulation', summarizeReplications(scenario, reps), [], 'job.stepTimeS, job.days, job.targetSteps and reliability');
    let optimization: CheckpointOptimization | undefined;
    if (opts.optimizeCheckpoint) {
      bar?.label('sweeping checkpoint intervals');
      optimization = await optimizeCheckpoint(scenario, pool.run);
    }
    let spares: SpareOptimization | undefined;
    if (opts.optimizeSpares) {
      bar?.label('sweeping spare pools');
      spares = await optimizeSpares(scenario, pool.run);
    }
    bar?.clear();
    if (opts.json)
      printJson({ ...result, ...(optimization ? { checkpointOptimization: optimization } : {}), ...(spares ? { spareOptimization: spares } : {}) });
    else process.stdout.write(formatSummary(result, optimization, spares));
  } finally {
    bar?.clear();
    await pool.close();
  }
}

function progressBar(): { update: (done: number, total: number) => void; label: (s: string) => void; clear: () => void } {
  let text = '';
  let lastDrawn = -1;
  let shown = false;
  return {
    label(s) {
      text = s;
      lastDrawn = -1;
    },
    update(done, total) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      if (filled === lastDrawn && done !== total) return;
      lastDrawn = filled;
      shown = true;
      process.stderr.write(`\r${text} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const num = (x: number, d = 1): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** A readable terminal summary of a simulation. */
export function formatSummary(r: SimulationResult, opt?: CheckpointOptimization, spares?: SpareOptimization): string {
  const s = r.scenario;
  const lines: string[] = [];
  const title = s.name ? `${s.name}: ` : '';
  lines.push(
    `${title}${s.jobGpus.toLocaleString('en-US')} GPUs (${s.jobNodes} nodes) ${s.openHorizon ? `until the target (at most ${num(s.days, 0)} days)` : `for ${num(s.days, 0)} days`}, step ${num(s.stepTimeS, s.stepTimeS < 10 ? 2 : 1)} s, ` +
      `${s.preset ?? 'custom'} failures, ${s.spareNodes} spare nodes${s.elastic ? ', elastic' : ''}; ${r.replications} replication(s), seed ${r.seed}`,
  );
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  lines.push('');
  const p = r.percentiles;
  if (r.target) {
    const t = r.target;
    const d = t.days;
    const what = t.tokens !== undefined ? `${(t.tokens / 1e12).toLocaleString('en-US', { maximumFractionDigits: 2 })}T tokens` : `${num(t.steps, 0)} steps`;
    lines.push(
      `  time to train        ${num(d.p50, 1).padStart(10)}  days p50 to ${what} (p10 ${num(d.p10, 1)} – p90 ${num(d.p90, 1)}; ${num(t.idealDays, 1)} without failures; ` +
        `${pct(t.reached)} of runs reached it)`,
    );
  }
  const range = (x: { p10: number; p90: number }, f: (v: number) => string): string => `(p10 ${f(x.p10)} – p90 ${f(x.p90)})`;
  lines.push(`  ETTR                 ${pct(r.ettr).padStart(10)}  ${range(p.ettr, pct)}   closed forms: first-order ${pct(r.closedForm.ettr)}, at-optimum ${pct(r.closedForm.optimumEttr)}`);
  lines.push(`  productive days      ${num(r.productiveDays, 2).padStart(10)}  of ${num(r.wallDays, 2)} wall days`);
  lines.push(
    `  interruptions        ${num(r.interruptions.total).padStart(10)}  ${range(p.interruptions, (v) => num(v, 0))}   one every ${num(r.interruptions.mtbiHours, 2)} h`,
  );
  lines.push(`  lost work            ${num(r.lostWorkHours).padStart(10)} h`);
  lines.push(
    `  downtime             ${num(r.downtimeHours).padStart(10)} h  (detection ${num(r.downtime.detectionHours)} h, restart ${num(r.downtime.restartHours)} h, waiting ${num(r.downtime.waitingHours)} h)`,
  );
  if (r.downtime.degradedHours > 0) lines.push(`  running shrunk       ${num(r.downtime.degradedHours).padStart(10)} h of missing replicas`);
  lines.push(`  checkpoint overhead  ${num(r.checkpointOverheadHours).padStart(10)} h  (${num(r.checkpoint.count, 0)} checkpoints)`);
  const c = r.checkpoint;
  lines.push(
    `  checkpoint interval  ${num(c.intervalS, 0).padStart(10)} s  (${c.policy}; Young ${num(c.youngS, 0)} s, Daly ${num(c.dalyS, 0)} s, availability-optimal ${num(c.availabilityOptimalS, 0)} s)`,
  );
  if (c.storage) {
    const st = c.storage;
    lines.push(
      `  checkpoint storage   ${num(st.bytes / 1e12, 2).padStart(10)} TB  on ${st.name}: ${num(st.writeGBps, 0)} of ${num(st.storageGBps, 0)} GB/s, ` +
        `drain ${num(st.drainS, 1)} s, blocks ${num(c.blockS, 2)} s, restore ${num(c.restoreS, 1)} s`,
    );
  }
  if (r.restart) {
    const b = r.restart;
    lines.push(
      `  restart              ${num(b.totalS, 0).padStart(10)} s  (${b.policy}: ` +
        (b.policy === 'elastic'
          ? `partial recovery: the job drops the failed replica and continues after a stall of ${num(b.stallS, 0)} s, no rollback or restore; ` +
            `a spare re-forms it in ${num(r.scenario.partialRecovery?.rejoinS ?? 0, 0)} s, else it waits for the repair; faults on every rank: full restart ${num(r.scenario.partialRecovery?.fullRestartS ?? 0, 0)} s`
          : `scheduler ${num(b.schedulerS, 0)} s, processes ${num(b.processStartS, 0)} s, NCCL init ${num(b.ncclInitS, 0)} s`) +
        `, warm-up ${num(b.warmupS, 0)} s; + detection and restore)`,
    );
  }
  lines.push(
    `  spares               ${String(r.spares.spareNodes).padStart(10)}  nodes${r.spares.fromIdle ? ' (the cluster\'s idle nodes)' : ''}; peak ${num(r.spares.peakNodesInRepair)} in repair (p90 ${num(p.peakNodesInRepair.p90, 0)}), ${num(r.spares.shortfalls)} shortfalls` +
      (r.spares.repairCrews !== null ? `; ${r.spares.repairCrews} repair crews, longest queue ${num(r.spares.maxRepairQueueHours)} h` : ''),
  );
  lines.push('');
  lines.push('  interruptions by cause (mean per run)');
  const causes = Object.entries(r.interruptions.byCause).sort((a, b) => b[1] - a[1]);
  for (const [name, n] of causes) {
    if (n === 0) continue;
    const share = r.interruptions.total > 0 ? n / r.interruptions.total : 0;
    lines.push(`    ${name.padEnd(26)} ${num(n).padStart(8)}  ${pct(share).padStart(6)}`);
  }
  const f = r.failures;
  if (f.byComponent.some((c) => c.component !== 'other')) {
    lines.push('');
    lines.push(`  interruptions by component${f.tiers ? ` (fabric tiers the job spans: ${f.tiers.map((t) => `${t.tier} ${t.switches.toLocaleString('en-US')} switches`).join(', ')})` : ' (at the preset\'s reference build)'}`);
    lines.push('    component            count   per component-h   per day   share   simulated');
    for (const c of f.byComponent) {
      lines.push(
        `    ${c.component.padEnd(15)} ${num(c.count, 0).padStart(10)}   ${c.perComponentHour > 0 ? c.perComponentHour.toExponential(2).padStart(15) : '–'.padStart(15)}  ${num(c.perDay, 2).padStart(8)}  ${pct(c.share).padStart(6)}  ${num(c.interruptions).padStart(10)}`,
      );
    }
  }
  if (opt) {
    lines.push('');
    lines.push('  checkpoint interval sweep (simulated ETTR, same seeds)');
    for (const pt of opt.sweep) {
      const mark = pt === opt.best ? '  <- best' : '';
      lines.push(`    ${num(pt.intervalS, 0).padStart(8)} s  ${pct(pt.ettr).padStart(7)}  (closed form ${pct(pt.closedFormEttr)})${mark}`);
    }
    lines.push(`    best ${num(opt.best.intervalS, 0)} s: ${pct(opt.best.ettr)}`);
    lines.push(`    Young ${num(opt.young.intervalS, 0)} s: ${pct(opt.young.ettr)}; Daly ${num(opt.daly.intervalS, 0)} s: ${pct(opt.daly.ettr)}; ` +
      `availability-optimal ${num(opt.availabilityOptimal.intervalS, 0)} s: ${pct(opt.availabilityOptimal.ettr)}`);
    lines.push(`    best − Daly: ${num(opt.gainOverDalyPoints, 2)} ETTR points`);
  }
  if (spares) {
    lines.push('');
    lines.push(
      `  ETTR vs spare nodes (same seeds; ${num(spares.expectedNodesInRepair)} nodes in repair on average` +
        `${spares.idleNodes !== null ? `, ${spares.idleNodes.toLocaleString('en-US')} idle in the cluster` : ''})`,
    );
    lines.push(`    spare nodes      ETTR  (p10 – p90)        waiting h  shortfalls${r.target ? '  days p50' : ''}`);
    for (const pt of spares.points) {
      const mark = pt === spares.recommended ? '  <- smallest within 0.1 points of the best' : '';
      lines.push(
        `    ${pt.spareNodes.toLocaleString('en-US').padStart(11)}  ${pct(pt.ettr).padStart(7)}  (${pct(pt.ettrP10)} – ${pct(pt.ettrP90)})  ${num(pt.waitingHours).padStart(10)}  ${num(pt.shortfalls).padStart(10)}` +
          `${pt.daysP50 !== undefined ? num(pt.daysP50, 1).padStart(10) : ''}${mark}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
