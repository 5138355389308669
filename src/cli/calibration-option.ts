import { findGpu, type GpuSpec } from '../catalog/index.js';
import { InputError, type Issue, type PathSegment, type SourceDocument } from '../core/index.js';
import { efficiencyFor, type EfficiencyModel } from '../model/index.js';
import { fitProfile, parseProfileValue, type CalibrationFit, type CalibrationProfile } from '../calibration/index.js';
import { readDocumentFile } from './io.js';

/** A calibration profile read, validated and fitted once, for `--calibration <profile>`. */
export interface LoadedCalibration {
  file: string;
  profile: CalibrationProfile;
  fit: CalibrationFit;
  gpu: GpuSpec;
  /** The measured efficiencies for the profile's GPU; undefined (model defaults) for any other. */
  effFor: (gpuId: string) => EfficiencyModel | undefined;
}

/**
 * Load `--calibration <profile>`: read the file, validate it, fit it. Problems are InputErrors
 * with the file, the field path and its line. Shared by every command that takes the flag.
 */
export function loadCalibration(file: string): LoadedCalibration {
  const doc = readDocumentFile(file);
  return calibrationFromValue(doc.value, doc);
}

/** The same, for a profile already in memory (`doc` adds file positions to issues). */
export function calibrationFromValue(value: unknown, doc?: SourceDocument): LoadedCalibration {
  const parsed = parseProfileValue(value, doc);
  if (!parsed.ok) throw new InputError(parsed.issues);
  const fitted = fitProfile(parsed.profile);
  if (!fitted.ok) throw new InputError(fitted.issues.map((i) => locate(i, doc)));
  const { fit } = fitted;
  const gpu = findGpu(fit.gpuId);
  if (!gpu) throw new Error(`fitProfile returned an unknown GPU id ${fit.gpuId}`);
  const eff = efficiencyFor(gpu, fit.overrides);
  return {
    file: doc?.file ?? '<profile>',
    profile: parsed.profile,
    fit,
    gpu,
    effFor: (gpuId) => (gpuId === gpu.id ? eff : undefined),
  };
}

/** Add the file and line of the issue's field to an issue that has only a path. */
function locate(issue: Issue, doc: SourceDocument | undefined): Issue {
  if (!doc) return issue;
  const path: PathSegment[] = [...issue.path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] ?? '')));
  const out: Issue = { ...issue };
  if (doc.file !== undefined) out.file = doc.file;
  const pos = doc.positionOf(path);
  if (pos) {
    out.line = pos.line;
    out.column = pos.column;
  }
  return out;
}
