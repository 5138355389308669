import { GPU_IDS } from '../catalog/index.js';
import {
  InputError,
  checkKeys,
  describeValue,
  newReadContext,
  readBoolean,
  readEnum,
  readNumber,
  readObject,
  readString,
  report,
  type Issue,
  type Path,
  type ReadContext,
  type SourceDocument,
} from '../core/index.js';
import {
  GEMM_DTYPES,
  MEMORY_KERNELS,
  PROFILE_SCHEMA_VERSION,
  type AttentionMeasurement,
  type CalibrationProfile,
  type DeviceInfo,
  type GemmMeasurement,
  type MemoryMeasurement,
  type ProbeInfo,
  type SkippedMeasurement,
} from './profile.js';
import { attentionFwdFlops } from './attention-flops.js';

const ROOT_KEYS = ['schemaVersion', 'device', 'gpu', 'driver', 'cuda', 'torch', 'python', 'host', 'date', 'probe', 'notes', 'gemm', 'attention', 'memory', 'skipped'];
const DEVICE_KEYS = ['name', 'memoryGiB', 'smCount', 'computeCapability', 'count', 'index'];
const PROBE_KEYS = ['version', 'quick', 'seconds'];
const GEMM_KEYS = ['dtype', 'm', 'n', 'k', 'ms', 'tflops'];
const ATTENTION_KEYS = ['seqLen', 'batch', 'heads', 'headDim', 'causal', 'fwdMs', 'fwdBwdMs', 'fwdTflops'];
const MEMORY_KEYS = ['kernel', 'bytes', 'ms', 'bandwidthGBps'];
const SKIPPED_KEYS = ['what', 'reason'];

/** A derived rate (TFLOP/s, GB/s) may differ from its recomputation by rounding, not more. */
const RATE_TOLERANCE = 0.02;
const MAX_DIM = 1_048_576;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export type ProfileResult = { ok: true; profile: CalibrationProfile } | { ok: false; issues: Issue[] };

/**
 * Validate a calibration profile (already parsed from JSON). Every problem is an issue with
 * the field path (`gemm[3].tflops`) and, given `doc`, the file position.
 */
export function parseProfileValue(value: unknown, doc?: SourceDocument): ProfileResult {
  const ctx = newReadContext(doc);
  const profile = readProfile(ctx, value);
  if (ctx.issues.length > 0 || !profile) return { ok: false, issues: ctx.issues };
  return { ok: true, profile };
}

/** Throwing variant: an InputError carries the issues. */
export function parseProfile(value: unknown, doc?: SourceDocument): CalibrationProfile {
  const r = parseProfileValue(value, doc);
  if (!r.ok) throw new InputError(r.issues);
  return r.profile;
}

function readProfile(ctx: ReadContext, value: unknown): CalibrationProfile | undefined {
  const root = readObject(ctx, value, []);
  if (!root) return undefined;
  const version = readNumber(ctx, root, 'schemaVersion', [], { required: true, integer: true, min: 1 });
  if (version !== undefined && version !== PROFILE_SCHEMA_VERSION) {
    report(ctx, ['schemaVersion'], version > PROFILE_SCHEMA_VERSION ? 'was written by a newer colossus: upgrade to read it' : 'is not supported', {
      expected: String(PROFILE_SCHEMA_VERSION),
      received: String(version),
    });
    return undefined; // other fields may mean something else in another version
  }
  checkKeys(ctx, root, ROOT_KEYS, []);
  const device = readDevice(ctx, root['device'], ['device']);
  const gpu = readEnum(ctx, root, 'gpu', [], GPU_IDS);
  const driver = readString(ctx, root, 'driver', [], true);
  const cuda = readString(ctx, root, 'cuda', []);
  const torch = readString(ctx, root, 'torch', [], true);
  const python = readString(ctx, root, 'python', []);
  const host = readString(ctx, root, 'host', []);
  const date = readString(ctx, root, 'date', [], true);
  if (date !== undefined && (!ISO_DATE.test(date) || !Number.isFinite(Date.parse(date)))) {
    report(ctx, ['date'], 'is not a date', { expected: 'an ISO 8601 date, e.g. 2025-03-01T12:00:00Z', received: describeValue(date) });
  }
  const probe = readProbe(ctx, root['probe'], ['probe']);
  const notes = readString(ctx, root, 'notes', []);
  const gemm = readArray(ctx, root, 'gemm', true, readGemm);
  const attention = readArray(ctx, root, 'attention', true, readAttention);
  const memory = readArray(ctx, root, 'memory', true, readMemory);
  const skipped = readArray(ctx, root, 'skipped', false, readSkipped);
  if (gemm && !gemm.some((g) => g.dtype === 'bf16') && Array.isArray(root['gemm'])) {
    report(ctx, ['gemm'], 'has no BF16 measurement', { expected: 'at least one row with dtype "bf16"' });
  }
  if (!device || driver === undefined || torch === undefined || date === undefined || !gemm || !attention || !memory) return undefined;
  const profile: CalibrationProfile = { schemaVersion: 1, device, driver, torch, date, gemm, attention, memory, skipped: skipped ?? [] };
  if (gpu !== undefined) profile.gpu = gpu;
  if (cuda !== undefined) profile.cuda = cuda;
  if (python !== undefined) profile.python = python;
  if (host !== undefined) profile.host = host;
  if (probe !== undefined) profile.probe = probe;
  if (notes !== undefined) profile.notes = notes;
  return profile;
}

function readArray<T>(
  ctx: ReadContext,
  obj: Record<string, unknown>,
  key: string,
  required: boolean,
  readItem: (ctx: ReadContext, value: unknown, path: Path) => T | undefined,
): T[] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) {
    if (required) report(ctx, [key], 'is required', { expected: 'an array (possibly empty)' });
    return undefined;
  }
  if (!Array.isArray(value)) {
    report(ctx, [key], 'has the wrong type', { expected: 'an array', received: describeValue(value) });
    return undefined;
  }
  const out: T[] = [];
  value.forEach((item: unknown, i) => {
    const r = readItem(ctx, item, [key, i]);
    if (r !== undefined) out.push(r);
  });
  return out.length === value.length ? out : undefined;
}

function readDevice(ctx: ReadContext, value: unknown, path: Path): DeviceInfo | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, DEVICE_KEYS, path);
  const name = readString(ctx, o, 'name', path, true);
  const memoryGiB = readNumber(ctx, o, 'memoryGiB', path, { above: 0 });
  const smCount = readNumber(ctx, o, 'smCount', path, { integer: true, min: 1 });
  const computeCapability = readString(ctx, o, 'computeCapability', path);
  const count = readNumber(ctx, o, 'count', path, { integer: true, min: 1 });
  const index = readNumber(ctx, o, 'index', path, { integer: true, min: 0 });
  if (name === undefined) return undefined;
  const d: DeviceInfo = { name };
  if (memoryGiB !== undefined) d.memoryGiB = memoryGiB;
  if (smCount !== undefined) d.smCount = smCount;
  if (computeCapability !== undefined) d.computeCapability = computeCapability;
  if (count !== undefined) d.count = count;
  if (index !== undefined) d.index = index;
  return d;
}

function readProbe(ctx: ReadContext, value: unknown, path: Path): ProbeInfo | undefined {
  const o = readObject(ctx, value, path, false);
  if (!o) return undefined;
  checkKeys(ctx, o, PROBE_KEYS, path);
  const version = readNumber(ctx, o, 'version', path, { required: true, integer: true, min: 1 });
  const quick = readBoolean(ctx, o, 'quick', path, true);
  const seconds = readNumber(ctx, o, 'seconds', path, { min: 0 });
  if (version === undefined || quick === undefined) return undefined;
  return seconds === undefined ? { version, quick } : { version, quick, seconds };
}

/** Report a stored rate that disagrees with work / time (a hand-edited or corrupted row). */
function checkRate(ctx: ReadContext, path: Path, key: string, stored: number, recomputed: number, formula: string): boolean {
  if (Math.abs(stored - recomputed) <= RATE_TOLERANCE * recomputed) return true;
  report(ctx, [...path, key], `does not match ${formula}`, { expected: `about ${round3(recomputed)}`, received: String(stored) });
  return false;
}

function round3(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

function readGemm(ctx: ReadContext, value: unknown, path: Path): GemmMeasurement | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, GEMM_KEYS, path);
  const dtype = readEnum(ctx, o, 'dtype', path, GEMM_DTYPES, true);
  const dim = { required: true, integer: true, min: 1, max: MAX_DIM };
  const m = readNumber(ctx, o, 'm', path, dim);
  const n = readNumber(ctx, o, 'n', path, dim);
  const k = readNumber(ctx, o, 'k', path, dim);
  const ms = readNumber(ctx, o, 'ms', path, { required: true, above: 0 });
  const tflops = readNumber(ctx, o, 'tflops', path, { required: true, above: 0 });
  if (dtype === undefined || m === undefined || n === undefined || k === undefined || ms === undefined || tflops === undefined) return undefined;
  if (!checkRate(ctx, path, 'tflops', tflops, (2 * m * n * k) / (ms * 1e-3) / 1e12, '2·m·n·k / ms')) return undefined;
  return { dtype, m, n, k, ms, tflops };
}

function readAttention(ctx: ReadContext, value: unknown, path: Path): AttentionMeasurement | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, ATTENTION_KEYS, path);
  const dim = { required: true, integer: true, min: 1, max: MAX_DIM * 16 };
  const seqLen = readNumber(ctx, o, 'seqLen', path, dim);
  const batch = readNumber(ctx, o, 'batch', path, dim);
  const heads = readNumber(ctx, o, 'heads', path, dim);
  const headDim = readNumber(ctx, o, 'headDim', path, dim);
  const causal = readBoolean(ctx, o, 'causal', path, true);
  const fwdMs = readNumber(ctx, o, 'fwdMs', path, { required: true, above: 0 });
  const fwdBwdMs = readNumber(ctx, o, 'fwdBwdMs', path, { required: true, above: 0 });
  const fwdTflops = readNumber(ctx, o, 'fwdTflops', path, { required: true, above: 0 });
  if (
    seqLen === undefined || batch === undefined || heads === undefined || headDim === undefined || causal === undefined ||
    fwdMs === undefined || fwdBwdMs === undefined || fwdTflops === undefined
  ) return undefined;
  if (fwdBwdMs <= fwdMs) {
    report(ctx, [...path, 'fwdBwdMs'], 'is not longer than the forward alone', { expected: `> fwdMs (${fwdMs})`, received: String(fwdBwdMs) });
    return undefined;
  }
  const flops = attentionFwdFlops({ seqLen, batch, heads, headDim, causal });
  if (!checkRate(ctx, path, 'fwdTflops', fwdTflops, flops / (fwdMs * 1e-3) / 1e12, `the forward FLOPs (4·b·heads·s²·d${causal ? '/2' : ''}) / fwdMs`)) return undefined;
  return { seqLen, batch, heads, headDim, causal, fwdMs, fwdBwdMs, fwdTflops };
}

function readMemory(ctx: ReadContext, value: unknown, path: Path): MemoryMeasurement | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, MEMORY_KEYS, path);
  const kernel = readEnum(ctx, o, 'kernel', path, MEMORY_KERNELS, true);
  const bytes = readNumber(ctx, o, 'bytes', path, { required: true, integer: true, min: 1 });
  const ms = readNumber(ctx, o, 'ms', path, { required: true, above: 0 });
  const bandwidthGBps = readNumber(ctx, o, 'bandwidthGBps', path, { required: true, above: 0 });
  if (kernel === undefined || bytes === undefined || ms === undefined || bandwidthGBps === undefined) return undefined;
  if (!checkRate(ctx, path, 'bandwidthGBps', bandwidthGBps, bytes / (ms * 1e-3) / 1e9, 'bytes / ms')) return undefined;
  return { kernel, bytes, ms, bandwidthGBps };
}

function readSkipped(ctx: ReadContext, value: unknown, path: Path): SkippedMeasurement | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, SKIPPED_KEYS, path);
  const what = readString(ctx, o, 'what', path, true);
  const reason = readString(ctx, o, 'reason', path, true);
  if (what === undefined || reason === undefined) return undefined;
  return { what, reason };
}
