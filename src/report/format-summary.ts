import type { CampaignResult } from '../campaign/campaign-result.js';
import { energy, fixed, int, pct, planText, tokens, usd } from './numbers.js';

export interface SummaryContext {
  runId?: string;
  storePath?: string;
  reportPath?: string;
}

const day = (d: number | null, date?: string): string => (d === null ? 'not reached' : `day ${fixed(d, d % 1 === 0 ? 0 : 1)}${date ? ` (${date})` : ''}`);

/** The terminal summary of a campaign: milestones, time-to-model, MFU, ETTR, interruptions, energy, cost. */
export function formatCampaignSummary(r: CampaignResult, ctx: SummaryContext = {}): string {
  const t = r.training;
  const lines: string[] = [];
  const s = r.scenario;
  lines.push(`${s.name}${s.startDate ? ` — day 0 = ${s.startDate}` : ''}, seed ${s.seed}${ctx.runId ? `, run ${ctx.runId}` : ''}`);
  lines.push('');
  lines.push('  milestones');
  for (const m of r.milestones) lines.push(`    ${day(m.day, m.date).padEnd(24)} ${m.label}`);
  lines.push('');
  const last = r.timeline[r.timeline.length - 1];
  if (last) {
    const fleet = Object.entries(last.gpusOnline)
      .map(([g, n]) => `${int(n)} ${g}`)
      .join(' + ');
    lines.push(`  fleet at day ${last.day}       ${fleet}`);
  }
  lines.push(`  model                  ${t.model.name}: ${fixed(t.model.paramsTotal / 1e9, 0)}B parameters, ${fixed(t.model.paramsActive / 1e9, 0)}B active`);
  const done = t.timeToModelDays !== null;
  lines.push(
    `  time-to-model          ${done ? `day ${fixed(t.timeToModelDays ?? 0, 1)}` : 'not within the horizon'}` +
      `${t.startDay !== null ? ` (${fixed(t.trainingDays, 1)} days of training from day ${t.startDay})` : ' (training never started: no plan fits)'}`,
  );
  lines.push(`  tokens                 ${tokens(t.tokens)} of ${tokens(t.tokenBudget)}  (${t.modelFlops.toExponential(2)} model FLOPs)`);
  if (t.plan) lines.push(`  final plan             ${int(t.plan.gpusUsed)} × ${t.plan.gpu}: ${planText(t.plan)}, step ${fixed(t.plan.stepTimeS, 2)} s`);
  lines.push(`  MFU                    ${pct(t.mfu)}  (GPU-time-weighted over ${t.replans + 1} plan${t.replans === 0 ? '' : 's'}; ${t.replans} re-plan${t.replans === 1 ? '' : 's'} as capacity grew)`);
  lines.push(`  ETTR                   ${pct(t.ettr)}  (productive / held GPU-time)`);
  const job = r.jobs.find((j) => j.trainsModel);
  if (job) {
    const top = Object.entries(job.interruptionsByCause)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, n]) => `${name} ${int(n)}`)
      .join(', ');
    const hoursPer = t.trainingDays > 0 && t.interruptions > 0 ? (t.trainingDays * 24) / t.interruptions : 0;
    lines.push(`  interruptions          ${int(t.interruptions)}${hoursPer > 0 ? ` (one every ${fixed(hoursPer * 60, 0)} min)` : ''}${top ? `; top: ${top}` : ''}`);
    const last = job.segments[job.segments.length - 1];
    const ck = last?.checkpoint;
    lines.push(
      `  checkpoints            ${int(job.checkpoints)}, every ${fixed(job.checkpointIntervalS / 60, 1)} min of compute at the final plan` +
        (ck && ck.storage !== 'fixed'
          ? ` (${fixed(ck.bytes / 1e12, 1)} TB, blocks ${fixed(ck.blockingS, 1)} s; ${fixed(ck.writeGBps, 0)} of ${fixed(ck.storageGBps, 0)} GB/s on ${ck.storage})`
          : ''),
    );
    if (last) {
      const b = last.restart;
      lines.push(
        `  restart                ${fixed((last.restartS + (ck?.restoreS ?? 0)) / 60, 1)} min after detection at ${int(last.gpusUsed)} GPUs` +
          (b
            ? ` (${b.policy}: ${b.policy === 'elastic' ? `stall ${fixed(b.stallS, 0)} s` : `scheduler ${fixed(b.schedulerS, 0)} s, processes ${fixed(b.processStartS, 0)} s, NCCL init ${fixed(b.ncclInitS, 0)} s`}, warm-up ${fixed(b.warmupS, 0)} s, restore ${fixed(ck?.restoreS ?? 0, 0)} s)`
            : ' (fixed)') +
          `; ${int(last.spareNodes)} spare nodes`,
      );
    }
  }
  for (const other of r.jobs.filter((j) => !j.trainsModel)) {
    lines.push(`  separate job           ${other.gpu}: ${tokens(other.tokens)} tokens, ETTR ${pct(other.ettr)}, MFU ${pct(other.mfu)}`);
  }
  lines.push(`  energy                 ${energy(r.energy.mwh)} to day ${r.endDay}, peak ${fixed(r.energy.peakMw, 1)} MW`);
  const c = r.cost;
  lines.push(
    `  cost                   ${usd(c.campaignUsd)} = ${usd(c.amortizedCapitalUsd)} capital share (of ${usd(c.capitalUsd)} over ${c.amortizationYears} y) + ${usd(c.energyUsd)} energy` +
      `${c.usdPerMillionTokens !== null ? `; ${usd(c.usdPerMillionTokens)} per million tokens` : ''}`,
  );
  if (r.supply) {
    lines.push('');
    const change = r.supply.changes[0];
    lines.push(`  supply                 ${r.supply.customer}'s deliveries from the ${r.supply.market} market (${r.supply.policy})${change ? `, ${change.customer} orders ×${change.factor}` : ''}`);
    for (const row of r.supply.rows) {
      const delay = row.delayMonths !== null ? `${row.delayMonths >= 0 ? '+' : ''}${row.delayMonths} months` : 'incomplete';
      lines.push(`    ${row.customer.padEnd(12)} done month ${row.baselineCompletionMonth ?? '—'} → ${row.scenarioCompletionMonth ?? '—'}  (${delay})`);
    }
  }
  if (ctx.storePath || ctx.reportPath) lines.push('');
  if (ctx.storePath) lines.push(`  saved to ${ctx.storePath}${ctx.runId ? ` as ${ctx.runId}` : ''}  (colossus runs list)`);
  if (ctx.reportPath) lines.push(`  report   ${ctx.reportPath}`);
  return `${lines.join('\n')}\n`;
}
