import type { Command } from 'commander';
import { InputError } from '../../core/index.js';
import { defaultEfficiency, estimate } from '../../model/index.js';
import { loadCalibration } from '../calibration-option.js';
import { parseSpecValue, type PartialPlan, type Precision, type Spec } from '../../spec/index.js';
import { OBJECTIVES, search, type Objective, type SearchOptions } from '../../search/index.js';
import { searchMixed, type MixedSearchResult } from '../../fleet/index.js';
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

/** Every field of a plan, by the names `--rank` accepts (the spec's names, and short forms). */
const PLAN_KEYS: Record<string, keyof PartialPlan> = {
  tp: 'tp', pp: 'pp', dp: 'dp', cp: 'cp', ep: 'ep', vpp: 'vpp', mb: 'microBatch', microBatch: 'microBatch', recompute: 'recompute',
  sp: 'sequenceParallel', sequenceParallel: 'sequenceParallel', zero: 'zeroStage', zeroStage: 'zeroStage', distributedOptimizer: 'distributedOptimizer',
  tpCommOverlap: 'tpCommOverlap', epDispatch: 'epDispatch', epCommOverlap: 'epCommOverlap',
};
const ENUMS: Partial<Record<keyof PartialPlan, readonly string[]>> = { recompute: ['none', 'selective', 'full'], epDispatch: ['alltoall', 'deepep'] };
const BOOLEANS = new Set<keyof PartialPlan>(['sequenceParallel', 'distributedOptimizer', 'tpCommOverlap', 'epCommOverlap']);
const EXAMPLE = 'tp=8,pp=16,dp=128 or tp8,pp16,dp128,ep8,epDispatch=deepep,epCommOverlap=true,mb=1,recompute=full,zero=1';

/** `tp=8,pp=16,dp=128[,cp=1,vpp=2,mb=1,recompute=full,epDispatch=deepep,...]` (or `tp8,pp16,...`) → a partial plan; knobs left free are resolved to the fastest that fits. */
export function parsePlanText(text: string): PartialPlan {
  const plan: Record<string, unknown> = { tp: 0, pp: 0, dp: 0, cp: 1, ep: 1 };
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-zA-Z]+?)\s*(?:=\s*([\w.-]+)|(\d+))$/.exec(part);
    const key = m ? PLAN_KEYS[m[1] as string] : undefined;
    if (!m || !key) throw new CliError(`--rank: cannot read "${part}" (expected e.g. ${EXAMPLE}; fields: ${Object.keys(PLAN_KEYS).join(', ')})`);
    const value = (m[2] ?? m[3]) as string;
    const choices = ENUMS[key];
    if (choices) {
      if (!choices.includes(value)) throw new CliError(`--rank: ${m[1]} must be ${choices.join(', ')}, not "${value}"`);
      plan[key] = value;
    } else if (BOOLEANS.has(key)) {
      if (!['true', 'false', 'on', 'off'].includes(value)) throw new CliError(`--rank: ${m[1]} must be true or false, not "${value}"`);
      plan[key] = value === 'true' || value === 'on';
    } else {
      const n = Number(value);
      const min = key === 'zeroStage' ? 0 : 1;
      if (!Number.isInteger(n) || n < min || (key === 'zeroStage' && n > 3)) throw new CliError(`--rank: ${m[1]} must be ${key === 'zeroStage' ? '0, 1, 2 or 3' : 'a positive integer'}, not "${value}"`);
      plan[key] = n;
    }
  }
  if (plan['zeroStage'] !== undefined && plan['distributedOptimizer'] === undefined) plan['distributedOptimizer'] = (plan['zeroStage'] as number) >= 1;
  if (!plan['tp'] || !plan['pp'] || !plan['dp']) throw new CliError(`--rank needs at least tp, pp and dp (e.g. ${EXAMPLE})`);
  return plan as unknown as PartialPlan;
}

/** ` ep64 DeepEP a2a-overlap`: the EP degree and its software facts, when there is EP. */
function epLabel(q: { ep: number; epDispatch?: string; epCommOverlap?: boolean }): string {
  return q.ep > 1 ? ` ep${q.ep}${q.epDispatch === 'deepep' ? ' DeepEP' : ''}${q.epCommOverlap ? ' a2a-overlap' : ''}` : '';
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
    .option('--rank <plan>', 'also rank this plan in the space, e.g. tp=8,pp=16,dp=128 (free knobs resolved to the fastest that fits)');
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
        printMixed(spec, searchMixed(spec, opts), o.json === true);
        return;
      }
      let ranked: { plan: PartialPlan; estimate: ReturnType<typeof estimate> } | undefined;
      if (o.rank !== undefined) {
        const plan = parsePlanText(o.rank);
        // The spec's fixed fields (software facts such as epDispatch, knobs it pins) hold for the
        // ranked plan as they do for every plan the search considers.
        const rankSpec: Spec = { ...spec, parallel: { ...spec.parallel, ...plan } };
        const gpus = plan.tp * plan.pp * plan.cp * plan.dp;
        if (gpus > spec.system.gpus) throw new CliError(`--rank: the plan needs ${gpus} GPUs, the system has ${spec.system.gpus}`);
        ranked = { plan, estimate: estimate(rankSpec, cal?.effFor(spec.system.gpu.id)) };
        opts.rankScore = ranked.estimate.tokensPerSec;
        if (o.objective !== 'tokens-per-sec' && o.objective !== 'time-to-train') throw new CliError('--rank is supported with the tokens-per-sec and time-to-train objectives');
      }
      const result = search(spec, opts, (s) => cal?.effFor(s.system.gpu.id) ?? defaultEfficiency(s.system.gpu));
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
                `tp${q.tp} pp${q.pp}${q.vpp > 1 ? `/v${q.vpp}` : ''} cp${q.cp} dp${q.dp}${epLabel(q)} mb${q.microBatch} ${q.recompute}${q.sequenceParallel ? ' SP' : ''} Z${q.zeroStage}${p.precision !== spec.training.precision ? ` ${p.precision}` : ''}`,
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
          `your plan tp${q.tp} pp${q.pp}${q.vpp > 1 ? `/v${q.vpp}` : ''} cp${q.cp} dp${q.dp}${epLabel(q)} mb${q.microBatch} ${q.recompute}: ${num(e.tokensPerSecPerGpu, 1)} tok/s/GPU, MFU ${pct(e.mfu)}, ${e.fits ? 'fits' : 'DOES NOT FIT'}; ranks #${(result.plansAbove ?? 0) + 1} (${num(result.plansAbove ?? 0)} fitting plans are faster)`,
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
