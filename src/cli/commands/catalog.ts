import type { Command } from 'commander';
import { FABRICS, findFabric } from '../../catalog/fabrics.js';
import { GPUS, MODELS, findGpu, findModel, GPU_IDS, MODEL_IDS, type GpuSpec } from '../../catalog/index.js';
import type { Fabric } from '../../model/network/fabric.js';
import { InputError } from '../../core/index.js';
import { suggestId } from '../../core/suggest.js';
import { paramCounts } from '../../model/index.js';
import type { ModelConfig } from '../../spec/index.js';
import { num, table } from '../format.js';
import { printJson } from '../io.js';

const KINDS = ['gpus', 'models', 'fabrics'] as const;
const FABRIC_IDS = FABRICS.map((f) => f.id);
type Kind = (typeof KINDS)[number];

/** `colossus catalog [gpus|models|fabrics] [ID] [--json]`: what the ids in a spec mean, with their sources. */
export function registerCatalog(program: Command): void {
  program
    .command('catalog')
    .description('List the catalog ids a spec or scenario may name (GPUs, models, fabric presets), with their numbers and sources')
    .argument('[kind]', `${KINDS.join(' or ')} (default: both)`)
    .argument('[id]', 'one entry, in full, with the source of every number')
    .option('--json', 'print JSON (entries with their sources)')
    .addHelpText('after', '\nExamples:\n  colossus catalog gpus\n  colossus catalog gpus h100-sxm\n  colossus catalog models --json\n  colossus catalog fabrics colossus-spectrum-x   # system.fabric: colossus-spectrum-x in a spec')
    .action((kind: string | undefined, id: string | undefined, opts: { json?: boolean }) => {
      const kinds = kind === undefined ? KINDS : [checkKind(kind)];
      if (id !== undefined) {
        const k = kinds[0] as Kind;
        const ids = k === 'gpus' ? GPU_IDS : k === 'models' ? MODEL_IDS : FABRIC_IDS;
        const entry = k === 'gpus' ? findGpu(id) : k === 'models' ? findModel(id) : findFabric(id);
        if (!entry) {
          const guess = suggestId(id, ids);
          throw new InputError([{ path: k, message: `has no id ${JSON.stringify(id)}${guess ? ` (did you mean ${guess}?)` : ''}`, expected: `one of ${ids.join(', ')}` }]);
        }
        if (opts.json) printJson(k === 'models' ? { id, ...entry } : k === 'fabrics' ? fabricJson(entry as Fabric) : entry);
        else process.stdout.write(`${k === 'gpus' ? gpuDetail(entry as GpuSpec) : k === 'models' ? modelDetail(id, entry as ModelConfig) : fabricDetail(entry as Fabric)}\n`);
        return;
      }
      if (opts.json) {
        const out: Record<string, unknown> = {};
        if (kinds.includes('gpus')) out['gpus'] = GPUS;
        if (kinds.includes('models')) out['models'] = Object.entries(MODELS).map(([mid, m]) => ({ id: mid, ...m }));
        if (kinds.includes('fabrics')) out['fabrics'] = FABRICS.map(fabricJson);
        printJson(kind === undefined ? out : out[kind]);
        return;
      }
      const parts: string[] = [];
      if (kinds.includes('gpus')) parts.push(gpuTable());
      if (kinds.includes('models')) parts.push(modelTable());
      if (kinds.includes('fabrics')) parts.push(fabricTable());
      process.stdout.write(`${parts.join('\n\n')}\n\n(colossus catalog gpus|models|fabrics ID: one entry with the source of every number)\n`);
    });
}

function checkKind(kind: string): Kind {
  if ((KINDS as readonly string[]).includes(kind)) return kind as Kind;
  if ((KINDS as readonly string[]).includes(`${kind}s`)) return `${kind}s` as Kind; // gpu, model, fabric
  const guess = suggestId(kind, KINDS);
  throw new InputError([{ path: 'kind', message: `is not a catalog${guess ? ` (did you mean ${guess}?)` : ''}`, expected: KINDS.join(' or '), received: JSON.stringify(kind) }]);
}

function gpuTable(): string {
  return table(
    ['gpu', 'name', 'BF16 TF/s', 'FP8 TF/s', 'HBM GB', 'HBM TB/s', 'NVLink GB/s', 'domain', 'NIC Gb/s', 'TDP W'],
    GPUS.map((g) => [g.id, g.name, num(g.bf16Tflops, 0), g.fp8Tflops !== undefined ? num(g.fp8Tflops, 0) : '—', num(g.hbmGB, 0), g.hbmTBps.toFixed(2), num(g.nvlinkGBps, 0), String(g.nvlinkDomain), num(g.nicGbps, 0), num(g.tdpW, 0)]),
    ['left', 'left'],
  );
}

function params(m: ModelConfig): string {
  const c = paramCounts(m);
  return m.moe ? `${num(c.total / 1e9, 0)}B (${num(c.activeMatmul / 1e9, 0)}B active)` : `${num(c.total / 1e9, 1)}B`;
}

function modelTable(): string {
  return table(
    ['model', 'name', 'layers', 'hidden', 'heads/kv', 'experts', 'parameters'],
    Object.entries(MODELS).map(([id, m]) => [id, m.name, String(m.layers), num(m.hidden), `${m.heads}/${m.kvHeads}`, m.moe ? `${m.moe.experts} (top ${m.moe.topK})` : '—', params(m)]),
    ['left', 'left'],
  );
}

function gpuDetail(g: GpuSpec): string {
  const rows = Object.entries(g)
    .filter(([k]) => k !== 'sources')
    .map(([k, v]) => [k, String(v), (g.sources as Record<string, string | undefined>)[k] ?? '']);
  return `${g.name} (${g.id})\n\n${table(['field', 'value', 'source'], rows, ['left', 'right', 'left'])}`;
}

function modelDetail(id: string, m: ModelConfig): string {
  const flat = (o: object, prefix = ''): string[][] =>
    Object.entries(o).flatMap(([k, v]) => (k === 'source' ? [] : v !== null && typeof v === 'object' ? flat(v as object, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)]]));
  return `${m.name} (${id})\nsource: ${m.source ?? '—'}\n\n${table(['field', 'value'], flat(m), ['left', 'right'])}`;
}

/** A tier's domain: its GPU count, or the whole cluster for the top tier (Infinity, which JSON cannot hold). */
const domain = (gpus: number): string => (Number.isFinite(gpus) ? num(gpus) : 'all');

/** A fabric as JSON: the top tier's `gpus` is "all" (the whole cluster) instead of Infinity. */
function fabricJson(f: Fabric): unknown {
  return { ...f, tiers: f.tiers.map((t) => ({ ...t, gpus: Number.isFinite(t.gpus) ? t.gpus : 'all' })) };
}

function tiersText(f: Fabric): string {
  return f.tiers.map((t) => `${t.name} ${domain(t.gpus)}${t.oversubscription > 1 ? ` (${t.oversubscription}:1)` : ''}`).join(' · ');
}

function fabricTable(): string {
  return table(
    ['fabric', 'Gb/s per GPU', 'rails', 'NVLS', 'tiers (GPUs per domain, oversubscription)', 'SHARP'],
    FABRICS.map((f) => [f.id, num(f.gbpsPerGpu), f.rails ? 'yes' : 'no', f.nvls ? 'yes' : 'no', tiersText(f), f.tiers.some((t) => t.sharp) ? 'yes' : 'no']),
    ['left', 'right', 'left', 'left', 'left', 'left'],
  );
}

function fabricDetail(f: Fabric): string {
  const tiers = table(
    ['tier', 'GPUs per domain', 'oversubscription', 'hop latency', 'SHARP'],
    f.tiers.map((t) => [t.name, domain(t.gpus), `${t.oversubscription}:1`, `${(t.hopLatencyS * 1e6).toFixed(2)} µs`, t.sharp ? 'yes' : 'no']),
    ['left', 'right', 'right', 'right', 'left'],
  );
  const facts = [`${num(f.gbpsPerGpu)} Gb/s per GPU`, f.rails ? 'rail-optimised' : 'not rail-optimised', ...(f.nvls ? ['NVLink SHARP'] : []), ...(f.nvlinkDomain ? [`NVLink domain ${f.nvlinkDomain}`] : [])];
  return `${f.name} (${f.id})\n${facts.join(', ')}\n\n${tiers}\n\nsource: ${f.source}\n(use it as system.fabric: ${f.id}; [D] derived, [A] assumption)`;
}
