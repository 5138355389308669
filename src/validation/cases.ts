import { InputError, isRecord, type Issue } from '../core/index.js';

/** A published, measured training run: an estimate spec plus the measured throughput. */
export interface ValidationCase {
  id: string;
  source: string;
  table: string;
  confidence: 'high' | 'medium' | 'low' | string;
  spec: unknown;
  measuredTokensPerSecPerGpu: number;
  notes: string;
}

/**
 * Facts about the software a source's runs used that the published specs do not state, applied
 * to every case of that source (never to one case alone). FlashAttention was published in May
 * 2022 (Dao et al., arXiv 2205.14135) and reached Megatron-LM in 2023: runs before it
 * materialised the attention scores.
 */
export const SOFTWARE_FACTS: Readonly<Record<string, { why: string }>> = {
  Narayanan2021: { why: 'Megatron-LM 2021 (SC21): fused scale-mask-softmax, no FlashAttention, no TP comm overlap' },
  Korthikanti2022: { why: 'arXiv 2205.05198 (May 2022): activation memory counts the 5·a·s/h score tensors; no TP comm overlap' },
  BLOOM: { why: 'Megatron-DeepSpeed, trained Mar-Jul 2022, before FlashAttention and TP comm overlap' },
};

/** Pre-2023 stacks: unfused attention and no tensor-parallel communication overlap (userbuffers came with Transformer Engine in 2023). */
function withSoftwareFacts(source: string, spec: unknown): unknown {
  if (!SOFTWARE_FACTS[source] || !isRecord(spec) || !isRecord(spec['training']) || !isRecord(spec['parallel'])) return spec;
  return {
    ...spec,
    training: { attention: 'unfused', ...spec['training'] },
    parallel: { tpCommOverlap: false, ...spec['parallel'] },
  };
}

/** Parse JSON Lines of validation cases (the format of data/validation/public-cases.jsonl). */
export function parseCases(text: string, file = 'cases.jsonl'): ValidationCase[] {
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
    out.push({
      id: v['id'],
      source: String(v['source'] ?? 'unknown'),
      table: String(v['table'] ?? ''),
      confidence: String(v['confidence'] ?? 'unknown'),
      spec: withSoftwareFacts(String(v['source'] ?? ''), v['spec']),
      measuredTokensPerSecPerGpu: measured,
      notes: String(v['notes'] ?? ''),
    });
  });
  if (issues.length) throw new InputError(issues);
  return out;
}
