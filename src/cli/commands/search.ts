import type { Command } from 'commander';
import { InputError } from '../../core/index.js';
import { defaultEfficiency, estimate } from '../../model/index.js';
import { loadCalibration } from '../calibration-option.js';
import { parsePlanText, parseSpecValue, planLabel, PlanTextError, type PartialPlan, type Precision, type Spec } from '../../spec/index.js';
import { OBJECTIVES, type Objective, type SearchOptions } from '../../search/index.js';
import { searchFleet, type MixedSearchResult } from '../../fleet/index.js';
import { CliError } from '../errors.js';
import { duration, num, pct, table } from '../format.js';
import { printJson, readDocumentWithSets } from '../io.js';
import { addSetOption, attributeToSets } from '../overrides.js';

interface SearchCliOptions {
  json?: boolean;
  top: string;
  objective: string;
  precision?: string;
  memoryMargin: string;
  rank?: string;
  calibration?: string;
  set?: string[];
}

/** `--rank`'s text (the plan codec's format) → a partial plan; knobs left free are resolved to the fastest that fits. */
function rankPlan(text: string): PartialPlan {
  try {
    return parsePlanText(text);
  } catch (e) {
    if (e instanceof PlanTextError) throw new CliError(`--rank: ${e.message}`);
    throw e;
  }
}

export function registerSearch(program: Command): void {
  const cmd = program
    .command('search')
    .description('Find the best parallel plans (tp, pp, vpp, cp, ep, dp, micro-batch, recomputation, SP, ZeRO) that fit in memory')
    .argument('<spec>', 'spec file (YAML or JSON); `parallel` is optional or partial: fixed fields are respected')
    .option('--json', 'print JSON: plans (best first, each with parallel, gpusUsed and the full estimate), evaluated, pruned, elapsedS')
    .option('--top <k>', 'plans to show', '5')
    .option('--objective <name>', `what "best" means: ${OBJECTIVES.join(', ')}`, 'tokens-per-sec')
    .option('--precision <p>', 'bf16, fp8, or any (search both); default: the spec\'s')
    .option('--memory-margin <fraction>', 'fraction of usable HBM kept free', '0.05')
    .option('--calibration <profile>', 'use the efficiencies measured by `colossus calibrate` for the profile\'s GPU')
    .option('--rank <plan>', 'also rank this plan in the space, e.g. tp=8,pp=16,dp=128 or a plan as the table prints it, "tp8 pp16/v2 cp1 dp128 mb1 full SP Z1 dualpipe" (free knobs resolved to the fastest that fits)');
  addSetOption(cmd)
    .addHelpText(
      'after',
      `
The job may use fewer GPUs than the system has: each plan reports gpusUsed and spare GPUs.

Example:
  colossus search examples/llama3-405b-search.yaml --top 5 --rank tp=8,pp=16,dp=128`,
    )
    .action((file: string, o: SearchCliOptions) => {
      const top = Number(o.top);
      if (!Number.isInteger(top) || top < 1 || top > 1000) throw new CliError(`--top must be an integer from 1 to 1000, not "${o.top}"`);
      if (!OBJECTIVES.includes(o.objective as Objective)) throw new CliError(`--objective must be one of ${OBJECTIVES.join(', ')}, not "${o.objective}"`);
      const margin = Number(o.memoryMargin);
      if (!(margin >= 0 && margin < 1)) throw new CliError(`--memory-margin must be a fraction in [0, 1), not "${o.memoryMargin}"`);
      let precisions: Precision[] | undefined;
      if (o.precision !== undefined) {
        if (o.precision === 'any') precisions = ['bf16', 'fp8'];
        else if (o.precision === 'bf16' || o.precision === 'fp8') precisions = [o.precision];
        else throw new CliError(`--precision must be bf16, fp8 or any, not "${o.precision}"`);
      }
      const cal = o.calibration !== undefined ? loadCalibration(o.calibration) : undefined;
      const { doc, sets } = readDocumentWithSets(file, o.set);
      const parsed = parseSpecValue(doc.value, doc, [], { planOptional: true });
      if (!parsed.ok) throw new InputError(attributeToSets(parsed.issues, sets));
      const spec = parsed.spec;
      if (o.objective === 'time-to-train' && spec.training.tokens === undefined) {
        throw new InputError([{ path: 'training.tokens', file, message: 'is required for --objective time-to-train', expected: 'a number of tokens' }]);
      }
      const opts: SearchOptions = { top, objective: o.objective as Objective, memoryMargin: margin };
      if (precisions) opts.precisions = precisions;
      if (spec.system.pools && spec.system.pools.length >= 2) {
        if (o.objective !== 'tokens-per-sec') throw new CliError('a mixed fleet (system.pools) is searched for tokens-per-sec only');
        if (o.rank !== undefined) throw new CliError('--rank is not supported for a mixed fleet (system.pools)');
        if (cal) throw new CliError('--calibration is not supported for a mixed fleet (system.pools) yet');
        const r = searchFleet(spec, opts);
        if (r.fleet === 'mixed') printMixed(spec, r, o.json === true);
        return;
      }
      let ranked: { plan: PartialPlan; estimate: ReturnType<typeof estimate> } | undefined;
      if (o.rank !== undefined) {
        const plan = rankPlan(o.rank);
        // The spec's fixed fields (software facts such as epDispatch, knobs it pins) hold for the
        // ranked plan as they do for every plan the search considers.
        const rankSpec: Spec = { ...spec, parallel: { ...spec.parallel, ...plan } };
        const gpus = plan.tp * plan.pp * plan.cp * plan.dp;
        if (gpus > spec.system.gpus) throw new CliError(`--rank: the plan needs ${gpus} GPUs, the system has ${spec.system.gpus}`);
        ranked = { plan, estimate: estimate(rankSpec, cal?.effFor(spec.system.gpu.id)) };
        opts.rankScore = ranked.estimate.tokensPerSec;
        if (o.objective !== 'tokens-per-sec' && o.objective !== 'time-to-train') throw new CliError('--rank is supported with the tokens-per-sec and time-to-train objectives');
      }
      const found = searchFleet(spec, opts, (s) => cal?.effFor(s.system.gpu.id) ?? defaultEfficiency(s.system.gpu));
      if (found.fleet !== 'homogeneous') throw new Error('bug: one pool searched as a mixed fleet');
      const result = found;
      if (o.json) {
        printJson(ranked ? { ...result, rank: { parallel: ranked.estimate.parallel, estimate: ranked.estimate, plansAbove: result.plansAbove } } : result);
        return;
      }
      const lines: string[] = [];
      lines.push(`${spec.model.name} on up to ${num(spec.system.gpus)} × ${spec.system.gpu.name}, seq ${num(spec.training.seqLen)}, batch ${num(spec.training.globalBatch)} — objective: ${result.objective}`);
      lines.push('');
      if (result.plans.length === 0) lines.push('No plan fits in memory (try more GPUs, a larger memory margin budget, or recomputation).');
      else {
        lines.push(
          table(
            ['#', 'plan', 'GPUs used', 'spare', 'step', 'tokens/s', 'tok/s/GPU', 'MFU', 'memory GiB', '$/M tokens'],
            result.plans.map((p, i) => {
              const q = p.parallel;
              const e = p.estimate;
              return [
                String(i + 1),
                `${planLabel(q)}${p.precision !== spec.training.precision ? ` ${p.precision}` : ''}`,
                num(p.gpusUsed),
                num(p.spareGpus),
                duration(e.stepTimeS),
                num(e.tokensPerSec),
                num(e.tokensPerSecPerGpu, 1),
                pct(e.mfu),
                e.memory.totalGiB.toFixed(1),
                p.usdPerMillionTokens.toFixed(2),
              ];
            }),
            ['right', 'left'],
          ),
        );
        lines.push('');
        lines.push(...result.explanation.map((l) => `why #1: ${l}`));
      }
      if (ranked) {
        const e = ranked.estimate;
        const q = e.parallel;
        lines.push('');
        lines.push(
          `your plan ${planLabel(q)}: ${num(e.tokensPerSecPerGpu, 1)} tok/s/GPU, MFU ${pct(e.mfu)}, ${e.fits ? 'fits' : 'DOES NOT FIT'}; ranks #${(result.plansAbove ?? 0) + 1} (${num(result.plansAbove ?? 0)} fitting plans are faster)`,
        );
      }
      lines.push('');
      lines.push(
        `searched ${num(result.considered)} plans (${num(result.evaluated)} evaluated, ${num(result.pruned)} skipped by lower bounds) in ${duration(result.elapsedS)} — ${num(result.considered / Math.max(result.elapsedS, 1e-9))} plans/s`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function printMixed(spec: Spec, r: MixedSearchResult, json: boolean): void {
  if (json) {
    printJson(r);
    return;
  }
  const pools = spec.system.pools ?? [];
  const lines: string[] = [];
  lines.push(`${spec.model.name} on a mixed fleet: ${pools.map((q) => `${num(q.gpus)} × ${q.gpu.id}`).join(' + ')}, seq ${num(spec.training.seqLen)}, batch ${num(spec.training.globalBatch)}`);
  lines.push('');
  lines.push(
    table(
      ['#', 'how', 'plan', 'GPUs used', 'step', 'tokens/s', 'tok/s/GPU', 'waiting'],
      r.ranking.map((mode, i) => {
        const e = r.best[mode]!;
        const q = e.parallel;
        return [
          String(i + 1),
          mode,
          `tp${q.tp} pp${q.pp}${q.vpp > 1 ? `/v${q.vpp}` : ''} cp${q.cp}${q.ep > 1 ? ` ep${q.ep}` : ''} mb${q.microBatch} ${q.recompute}`,
          num(e.gpusUsed),
          duration(e.stepTimeS),
          num(e.tokensPerSec),
          num(e.tokensPerSecPerGpu, 1),
          pct(e.idleFraction),
        ];
      }),
      ['right', 'left', 'left'],
    ),
  );
  lines.push('');
  lines.push(...r.explanation);
  lines.push('');
  const g = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${pct(x)}`);
  lines.push(`best (${r.ranking[0] ?? 'none'}) vs separate jobs: ${g(r.gainOverSeparate)}; vs treating every GPU as ${spec.system.gpu.id}: ${g(r.gainOverAsSlowest)}`);
  lines.push(`searched in ${duration(r.elapsedS)} (${num(r.evaluated)} mixed layouts evaluated)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
