import * as v from 'valibot';
import { GPU_IDS } from '../catalog/index.js';
import { bool, doc, fieldPath, list, num, obj, oneOf, optional, says, str } from '../core/schema.js';
import { attentionFwdFlops } from './attention-flops.js';

/**
 * A calibration profile: what `calibration/probe.py` measured on one GPU. Versioned JSON
 * (`schemaVersion`); docs/calibrate.md describes every field. Raw measurements only: the
 * fitted efficiencies are derived from the tables (`fitProfile`), never stored, so a better
 * fitter improves old profiles too.
 *
 * The schema below is the one definition of the format: the types, the validation
 * (`parseProfileValue`) and the JSON Schema (schemas/calibration-profile.schema.json) come from it.
 */
export const PROFILE_SCHEMA_VERSION = 1;

export const GEMM_DTYPES = ['bf16', 'fp8'] as const;
export type GemmDtype = (typeof GEMM_DTYPES)[number];

export const MEMORY_KERNELS = ['copy', 'add', 'layernorm', 'other'] as const;
export type MemoryKernel = (typeof MEMORY_KERNELS)[number];

/** A derived rate (TFLOP/s, GB/s) may differ from its recomputation by rounding, not more. */
const RATE_TOLERANCE = 0.02;
const MAX_DIM = 1_048_576;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function round3(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/** A row check that runs once the row's fields are valid. */
function rowCheck<T extends Record<string, unknown>>(check: (row: T) => { key: keyof T & string; message: string } | undefined): v.RawCheckAction<T> {
  return v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const found = check(dataset.value);
    if (found) addIssue({ message: found.message, path: fieldPath(dataset.value, found.key) });
  });
}

function rateMismatch<T extends Record<string, unknown>>(row: T, key: keyof T & string, recomputed: number, formula: string): { key: keyof T & string; message: string } | undefined {
  const stored = row[key] as number;
  if (Math.abs(stored - recomputed) <= RATE_TOLERANCE * recomputed) return undefined;
  return { key, message: says(`does not match ${formula}`, `about ${round3(recomputed)}`, String(stored)) };
}

const gemmDim = num({ integer: true, min: 1, max: MAX_DIM });

/** One timed GEMM: A (m×k) · B (k×n), median time of one call. */
export const GemmMeasurementSchema = v.pipe(
  obj({
    dtype: oneOf(GEMM_DTYPES),
    m: gemmDim,
    n: gemmDim,
    k: gemmDim,
    ms: doc(num({ above: 0 }), 'Median time of one call, milliseconds.'),
    tflops: doc(num({ above: 0 }), '2·m·n·k / time, TFLOP/s.'),
  }),
  rowCheck((g) => rateMismatch(g, 'tflops', (2 * g.m * g.n * g.k) / (g.ms * 1e-3) / 1e12, '2·m·n·k / ms')),
);
export type GemmMeasurement = v.InferOutput<typeof GemmMeasurementSchema>;

const attentionDim = num({ integer: true, min: 1, max: MAX_DIM * 16 });

/** One timed causal flash-attention call (scaled_dot_product_attention, BF16). */
export const AttentionMeasurementSchema = v.pipe(
  obj({
    seqLen: attentionDim,
    batch: attentionDim,
    heads: attentionDim,
    headDim: attentionDim,
    causal: bool(),
    fwdMs: doc(num({ above: 0 }), 'Median forward time, milliseconds.'),
    fwdBwdMs: doc(num({ above: 0 }), 'Median forward + backward time, milliseconds.'),
    fwdTflops: doc(num({ above: 0 }), 'Forward FLOPs as the model counts them (4·b·heads·s²·d, halved when causal) / fwdMs, TFLOP/s.'),
  }),
  rowCheck((a) => {
    if (a.fwdBwdMs <= a.fwdMs) return { key: 'fwdBwdMs' as const, message: says('is not longer than the forward alone', `> fwdMs (${a.fwdMs})`, String(a.fwdBwdMs)) };
    const flops = attentionFwdFlops(a);
    return rateMismatch(a, 'fwdTflops', flops / (a.fwdMs * 1e-3) / 1e12, `the forward FLOPs (4·b·heads·s²·d${a.causal ? '/2' : ''}) / fwdMs`);
  }),
);
export type AttentionMeasurement = v.InferOutput<typeof AttentionMeasurementSchema>;

/** One bandwidth-bound kernel: bytes read + written per call, median time. */
export const MemoryMeasurementSchema = v.pipe(
  obj({
    kernel: oneOf(MEMORY_KERNELS),
    bytes: num({ integer: true, min: 1 }),
    ms: num({ above: 0 }),
    bandwidthGBps: doc(num({ above: 0 }), 'bytes / time, GB/s (1e9 bytes/s).'),
  }),
  rowCheck((m) => rateMismatch(m, 'bandwidthGBps', m.bytes / (m.ms * 1e-3) / 1e9, 'bytes / ms')),
);
export type MemoryMeasurement = v.InferOutput<typeof MemoryMeasurementSchema>;

export const DeviceInfoSchema = obj({
  name: doc(str(), 'As the driver names it, e.g. "NVIDIA H100 80GB HBM3".'),
  memoryGiB: optional(num({ above: 0 })),
  smCount: optional(num({ integer: true, min: 1 })),
  computeCapability: optional(str()),
  count: optional(doc(num({ integer: true, min: 1 }), 'GPUs on the host.')),
  index: optional(doc(num({ integer: true, min: 0 }), 'Which GPU of the host was measured.')),
});
export type DeviceInfo = v.InferOutput<typeof DeviceInfoSchema>;

export const ProbeInfoSchema = obj({
  version: num({ integer: true, min: 1 }),
  quick: bool(),
  seconds: optional(num({ min: 0 })),
});
export type ProbeInfo = v.InferOutput<typeof ProbeInfoSchema>;

export const SkippedMeasurementSchema = obj({ what: str(), reason: str() });
export type SkippedMeasurement = v.InferOutput<typeof SkippedMeasurementSchema>;

function table<S extends v.GenericSchema>(row: S): v.ArraySchema<S, v.ErrorMessage<v.ArrayIssue>> {
  return list(row, 'an array', 'an array (possibly empty)');
}

export const CalibrationProfileSchema = obj({
  schemaVersion: v.literal(PROFILE_SCHEMA_VERSION, String(PROFILE_SCHEMA_VERSION)),
  device: DeviceInfoSchema,
  gpu: optional(doc(oneOf(GPU_IDS), 'Catalog GPU id; overrides the identification by `device.name`.')),
  driver: str(),
  cuda: optional(str()),
  torch: str(),
  python: optional(str()),
  host: optional(str()),
  date: doc(
    v.pipe(
      str(),
      v.check((d) => ISO_DATE.test(d) && Number.isFinite(Date.parse(d)), says('is not a date', 'an ISO 8601 date, e.g. 2025-03-01T12:00:00Z')),
    ),
    'ISO 8601 date (and time) of the measurement.',
  ),
  probe: optional(ProbeInfoSchema),
  notes: optional(str()),
  gemm: v.pipe(
    table(GemmMeasurementSchema),
    v.check((rows) => rows.some((g) => g.dtype === 'bf16'), says('has no BF16 measurement', 'at least one row with dtype "bf16"', '')),
  ),
  attention: table(AttentionMeasurementSchema),
  memory: table(MemoryMeasurementSchema),
  skipped: optional(list(SkippedMeasurementSchema), []),
});
export type CalibrationProfile = v.InferOutput<typeof CalibrationProfileSchema>;
