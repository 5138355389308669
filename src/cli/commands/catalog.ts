import type { Command } from 'commander';
import { GPUS, MODELS, findGpu, findModel, GPU_IDS, MODEL_IDS, type GpuSpec } from '../../catalog/index.js';
import { InputError } from '../../core/index.js';
import { suggestId } from '../../core/suggest.js';
import { paramCounts } from '../../model/index.js';
import type { ModelConfig } from '../../spec/index.js';
import { num, table } from '../format.js';
import { printJson } from '../io.js';

const KINDS = ['gpus', 'models'] as const;
type Kind = (typeof KINDS)[number];

/** `colossus catalog [gpus|models] [ID] [--json]`: what the ids in a spec mean, with their sources. */
export function registerCatalog(program: Command): void {
  program
    .command('catalog')
    .description('List the catalog ids a spec or scenario may name (GPUs, models), with their numbers and sources')
    .argument('[kind]', `${KINDS.join(' or ')} (default: both)`)
    .argument('[id]', 'one entry, in full, with the source of every number')
    .option('--json', 'print JSON (entries with their sources)')
    .addHelpText('after', '\nExamples:\n  colossus catalog gpus\n  colossus catalog gpus h100-sxm\n  colossus catalog models --json')
    .action((kind: string | undefined, id: string | undefined, opts: { json?: boolean }) => {
      const kinds = kind === undefined ? KINDS : [checkKind(kind)];
      if (id !== undefined) {
        const k = kinds[0] as Kind;
        const entry = k === 'gpus' ? findGpu(id) : findModel(id);
        if (!entry) {
          const guess = suggestId(id, k === 'gpus' ? GPU_IDS : MODEL_IDS);
          throw new InputError([{ path: k, message: `has no id ${JSON.stringify(id)}${guess ? ` (did you mean ${guess}?)` : ''}`, expected: `one of ${(k === 'gpus' ? GPU_IDS : MODEL_IDS).join(', ')}` }]);
        }
        if (opts.json) printJson(k === 'models' ? { id, ...entry } : entry);
        else process.stdout.write(`${k === 'gpus' ? gpuDetail(entry as GpuSpec) : modelDetail(id, entry as ModelConfig)}\n`);
        return;
      }
      if (opts.json) {
        const out: Record<string, unknown> = {};
        if (kinds.includes('gpus')) out['gpus'] = GPUS;
        if (kinds.includes('models')) out['models'] = Object.entries(MODELS).map(([mid, m]) => ({ id: mid, ...m }));
        printJson(kind === undefined ? out : out[kind]);
        return;
      }
      const parts: string[] = [];
      if (kinds.includes('gpus')) parts.push(gpuTable());
      if (kinds.includes('models')) parts.push(modelTable());
      process.stdout.write(`${parts.join('\n\n')}\n\n(colossus catalog gpus ID or models ID: one entry with the source of every number)\n`);
    });
}

function checkKind(kind: string): Kind {
  if ((KINDS as readonly string[]).includes(kind)) return kind as Kind;
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
