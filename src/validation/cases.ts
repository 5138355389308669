import { InputError, isRecord, type Issue } from '../core/index.js';

/** A published, measured training run: an estimate spec plus the measured throughput. */
export interface ValidationCase {
  id: string;
  source: string;
  table: string;
  confidence: 'high' | 'medium' | 'low' | string;
  spec: unknown;
  measuredTokensPerSecPerGpu: number;
  /** Measured peak memory per GPU, GiB, where the source published it (and how it was read). */
  measuredMemoryGiB?: number;
  memoryMetric?: string;
  /**
   * The software the run used, as the source states it (`name`: megatron-core, nemo, torchtitan,
   * deepspeed, composer; plus the source's settings such as `compile` or `fp8Recipe`).
   */
  stack?: Record<string, unknown>;
  notes: string;
}

/**
 * The software stack each source's runs used, where the published specs do not state it,
 * applied to every case of that source (never to one case alone); a case's own `stack` field
 * (a table's stack, e.g. the DeepSpeed ZeRO-3 rows of Narayanan et al. Table 2) wins. Each names
 * a stack version of src/model/stack/, whose facts (attention kernel, TP overlap, ZeRO schedule)
 * the model applies. FlashAttention was published in May 2022 (Dao et al., arXiv 2205.14135) and
 * reached Megatron-LM in 2023: runs before it materialised the attention scores.
 */
export const SOFTWARE_FACTS: Readonly<Record<string, { stack: string; why: string }>> = {
  Narayanan2021: { stack: 'megatron-core@2021', why: 'Megatron-LM 2021 (SC21): fused scale-mask-softmax, no FlashAttention, no TP comm overlap' },
  Korthikanti2022: { stack: 'megatron-core@2021', why: 'arXiv 2205.05198 (May 2022): activation memory counts the 5·a·s/h score tensors; no TP comm overlap' },
  BLOOM: { stack: 'deepspeed@2021', why: 'Megatron-DeepSpeed, trained Mar-Jul 2022, before FlashAttention and TP comm overlap' },
  'NeMo-24.07': { stack: 'nemo', why: 'NVIDIA NeMo 24.07 performance summary (Megatron-Core underneath)' },
  'MegatronLM-README-H100': { stack: 'megatron-core@2024', why: 'Megatron-Core r0.8.0 README (Jul 2024): cross-entropy fusion was an opt-in flag, off by default' },
  'MLPerf-v3.0': { stack: 'megatron-core@2024', why: 'MLPerf Training v3.0 (2023), NeMo/Megatron-Core of that year' },
  'MLPerf-v3.1': { stack: 'megatron-core@2024', why: 'MLPerf Training v3.1 (2023), NeMo/Megatron-Core of that year' },
  'Megatron-Bridge': { stack: 'megatron-core@2025', why: 'Megatron-Bridge performance summary (containers 25.09–26.04): its recipes fuse the cross-entropy' },
};

/** Stack options a case's `stack` field may carry, and where they go in the spec. */
function stackRef(stack: Record<string, unknown>): string {
  const name = String(stack['name']);
  return typeof stack['version'] === 'string' ? `${name}@${stack['version']}` : name;
}

/**
 * Apply the run's software to its spec: `training.stack` (with the version: the release or the
 * year each source names), `training.compile`, `training.fp8Recipe`, and async TP as
 * `parallel.tpCommOverlap`. The spec's own fields win. `nameOnly` keeps only the stack's name,
 * as a user who knows their framework but not which release ran would write it (they get
 * today's defaults).
 */
function withSoftwareFacts(source: string, caseStack: Record<string, unknown> | undefined, spec: unknown, nameOnly: boolean): unknown {
  if (!isRecord(spec) || !isRecord(spec['training']) || !isRecord(spec['parallel'])) return spec;
  const ref = caseStack ? stackRef(caseStack) : SOFTWARE_FACTS[source]?.stack;
  if (ref === undefined) return spec;
  const training: Record<string, unknown> = { stack: nameOnly ? ref.split('@')[0] : ref };
  const parallel: Record<string, unknown> = {};
  if (caseStack) {
    if (typeof caseStack['compile'] === 'boolean') training['compile'] = caseStack['compile'];
    if (typeof caseStack['fp8Recipe'] === 'string' && spec['training']['precision'] === 'fp8') training['fp8Recipe'] = caseStack['fp8Recipe'];
    if (typeof caseStack['asyncTp'] === 'boolean') parallel['tpCommOverlap'] = caseStack['asyncTp'];
  }
  return { ...spec, training: { ...training, ...spec['training'] }, parallel: { ...parallel, ...spec['parallel'] } };
}

const MBR_PERF = 'https://github.com/NVIDIA-NeMo/Megatron-Bridge/tree/main/scripts/performance/configs';
/** Both MoE recipe families set `grad_reduce_in_fp32 = False` (mixed_precision and ddp). */
const BF16_MAIN_GRADS = { gradPrecision: 'bf16' };

/**
 * Settings the published tables leave out but the benchmark recipes they were produced with
 * state (Megatron-Bridge `scripts/performance`, read at the container's era). They are inputs
 * of the run, like its parallel degrees, not fitted values; each names the recipe it comes from.
 * A case's own spec fields win over these.
 */
export const RECIPE_FACTS: Readonly<Record<string, { parallel: Record<string, unknown>; training?: Record<string, unknown>; moe?: Record<string, unknown>; why: string }>> = {
  'MBR-2509-H100-DSV3-a': {
    // enable_deepep=True (later versions: HybridEP), recompute_modules [mla_up_proj, mlp]
    // (selective), router groups 8 / group top-k 4 (one group per node at EP64). The EP a2a
    // overlap is on in this version and off in later ones: left at the default (off).
    parallel: { recompute: 'selective', sequenceParallel: true, epDispatch: 'deepep' },
    training: BF16_MAIN_GRADS,
    moe: { routingGroups: 8, groupTopK: 4 },
    why: `${MBR_PERF}/deepseek/deepseek_llm_pretrain.py (deepseek_v3_h100_1024gpus_fp8_config)`,
  },
  'MBR-2509-H100-Q235-a': {
    // set_qwen3_common_configs: recompute_granularity None; CommOverlapConfig(tp_comm_overlap=True);
    // alltoall dispatcher. EP a2a overlap: absent here, on in later versions: left off.
    parallel: { recompute: 'none', sequenceParallel: true, tpCommOverlap: true, epDispatch: 'alltoall' },
    training: BF16_MAIN_GRADS,
    why: `${MBR_PERF}/qwen3/qwen3_llm_pretrain.py (qwen3_235b_a22b_h100_config)`,
  },
  'MBR-2511-H100-Q30-a': {
    parallel: { recompute: 'none', epDispatch: 'alltoall' },
    training: BF16_MAIN_GRADS,
    why: `${MBR_PERF}/qwen3/qwen3_llm_pretrain.py (qwen3_30b_a3b_h100_config)`,
  },
};

/**
 * Architecture a case's notes state but its spec had to approximate before the model could
 * express it (DeepSeek-V3's multi-head latent attention was written as 128 plain heads).
 */
export const ARCHITECTURE_FACTS: Readonly<Record<string, { model: Record<string, unknown>; why: string }>> = {
  'MBR-2509-H100-DSV3-a': {
    model: { headDim: 192, mla: { qLoraRank: 1536, kvLoraRank: 512, qkRopeDim: 64, vHeadDim: 128 } },
    why: 'the case notes: MLA q_lora 1536, kv_lora 512, qk 128+64 rope, v 128 (DeepSeek-V3 config_671B.json)',
  },
};

function withArchitectureFacts(id: string, spec: unknown): unknown {
  const f = ARCHITECTURE_FACTS[id];
  if (!f || !isRecord(spec) || !isRecord(spec['model'])) return spec;
  return { ...spec, model: { ...spec['model'], ...f.model } };
}

function withRecipeFacts(id: string, spec: unknown): unknown {
  const f = RECIPE_FACTS[id];
  if (!f || !isRecord(spec) || !isRecord(spec['parallel'])) return spec;
  const model = spec['model'];
  const withMoe = f.moe && isRecord(model) && isRecord(model['moe']) ? { ...model, moe: { ...f.moe, ...model['moe'] } } : model;
  const training = f.training && isRecord(spec['training']) ? { ...f.training, ...spec['training'] } : spec['training'];
  return { ...spec, model: withMoe, training, parallel: { ...f.parallel, ...spec['parallel'] } };
}

/** Parse JSON Lines of validation cases (the format of data/validation/public-cases.jsonl). */
export interface ParseCasesOptions {
  /**
   * Specs as the sources publish them: the table's fields and the software the source names
   * (its stack and release: `megatron-core@2021` for a 2021 Megatron-LM paper, `nemo@24.07`),
   * without recipe facts (settings the tables omit but their recipes state). Architecture facts
   * are kept (they describe the model).
   */
  asPublished?: boolean;
  /**
   * The stack's name only, without the release the source names (so today's defaults):
   * the spec of a user who knows their framework but not its version. Implies nothing else.
   */
  stackNameOnly?: boolean;
}

export function parseCases(text: string, file = 'cases.jsonl', opts: ParseCasesOptions = {}): ValidationCase[] {
  const asPublished = opts.asPublished ?? false;
  const nameOnly = opts.stackNameOnly ?? false;
  const out: ValidationCase[] = [];
  const issues: Issue[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      issues.push({ path: '', file, line: i + 1, message: 'not valid JSON' });
      return;
    }
    const measured = isRecord(v) && isRecord(v['measured']) ? v['measured']['tokensPerSecPerGpu'] : undefined;
    if (!isRecord(v) || typeof v['id'] !== 'string' || typeof measured !== 'number') {
      issues.push({ path: '', file, line: i + 1, message: 'a case needs id, spec and measured.tokensPerSecPerGpu' });
      return;
    }
    const mem = isRecord(v['measured']) ? v['measured']['memoryGiB'] : undefined;
    const metric = isRecord(v['measured']) ? v['measured']['memoryMetric'] : undefined;
    out.push({
      ...(typeof mem === 'number' ? { measuredMemoryGiB: mem } : {}),
      ...(typeof metric === 'string' ? { memoryMetric: metric } : {}),
      ...(isRecord(v['stack']) ? { stack: v['stack'] } : {}),
      id: v['id'],
      source: String(v['source'] ?? 'unknown'),
      table: String(v['table'] ?? ''),
      confidence: String(v['confidence'] ?? 'unknown'),
      spec: withArchitectureFacts(v['id'], (asPublished ? (x: unknown) => x : (x: unknown) => withRecipeFacts(v['id'] as string, x))(withSoftwareFacts(String(v['source'] ?? ''), isRecord(v['stack']) ? v['stack'] : undefined, v['spec'], nameOnly))),
      measuredTokensPerSecPerGpu: measured,
      notes: String(v['notes'] ?? ''),
    });
  });
  if (issues.length) throw new InputError(issues);
  if (out.length === 0) throw new InputError([{ path: '', file, message: 'holds no validation cases', expected: 'one JSON case per line' }]);
  return out;
}
