import { InputError, isRecord, newReadContext, readNumber, report, type Issue, type SourceDocument } from '../core/index.js';
import { validate } from '../core/schema.js';
import { CalibrationProfileSchema, PROFILE_SCHEMA_VERSION, type CalibrationProfile } from './profile.js';

export type ProfileResult = { ok: true; profile: CalibrationProfile } | { ok: false; issues: Issue[] };

/**
 * Validate a calibration profile (already parsed from JSON) against `CalibrationProfileSchema`.
 * Every problem is an issue with the field path (`gemm[3].tflops`) and, given `doc`, the file position.
 */
export function parseProfileValue(value: unknown, doc?: SourceDocument): ProfileResult {
  const ctx = newReadContext(doc);
  let input = value;
  if (isRecord(value)) {
    // Another version's fields may mean something else: check the version alone first.
    const version = readNumber(ctx, value, 'schemaVersion', [], { required: true, integer: true, min: 1 });
    if (version !== undefined && version !== PROFILE_SCHEMA_VERSION) {
      report(ctx, ['schemaVersion'], version > PROFILE_SCHEMA_VERSION ? 'was written by a newer colossus: upgrade to read it' : 'is not supported', {
        expected: String(PROFILE_SCHEMA_VERSION),
        received: String(version),
      });
      return { ok: false, issues: ctx.issues };
    }
    // A version that is not a number at all is reported once; the other fields are still checked.
    if (version === undefined) input = { ...value, schemaVersion: PROFILE_SCHEMA_VERSION };
  }
  const profile = validate(ctx, CalibrationProfileSchema, input);
  if (ctx.issues.length > 0 || !profile) return { ok: false, issues: ctx.issues };
  return { ok: true, profile };
}

/** Throwing variant: an InputError carries the issues. */
export function parseProfile(value: unknown, doc?: SourceDocument): CalibrationProfile {
  const r = parseProfileValue(value, doc);
  if (!r.ok) throw new InputError(r.issues);
  return r.profile;
}
