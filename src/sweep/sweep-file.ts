import * as v from 'valibot';
import { doc, list, num, obj, oneOf, optional, says, str } from '../core/schema.js';
import { OBJECTIVES } from '../search/types.js';

/**
 * The sweep file: the one definition of its fields, from which the types, the shape check
 * (`parseSweepDocument`) and schemas/sweep.schema.json come. What a schema cannot say (a grid key
 * is a dotted path of spec fields, axes do not overlap, values are distinct, every point is a spec)
 * `parseSweepDocument` checks after it.
 */

/** A larger grid is refused: it is almost always a typo (an extra axis or value), not a plan. */
export const MAX_SWEEP_POINTS = 1_000_000;
/** Values per axis. */
export const MAX_AXIS_VALUES = 10_000;

const PRECISIONS = ['bf16', 'fp8'] as const;
const AXIS_VALUES = 'a non-empty list of values';

/** Options passed to the plan search for points without a `parallel` plan. */
export const SweepSearchSchema = obj({
  objective: optional(oneOf(OBJECTIVES), 'tokens-per-sec'),
  memoryMargin: optional(doc(num({ min: 0, max: 0.9 }), 'Fraction of usable HBM kept free.'), 0.05),
  precisions: optional(
    doc(
      v.pipe(list(oneOf(PRECISIONS), `a non-empty list of ${PRECISIONS.join(', ')}`), v.minLength(1, says('has the wrong type', `a non-empty list of ${PRECISIONS.join(', ')}`))),
      "Precisions searched; absent: the spec's own.",
    ),
  ),
});
export type SweepSearchOptions = v.InferOutput<typeof SweepSearchSchema>;

export const SweepFileSchema = obj({
  name: optional(str()),
  notes: optional(v.unknown()),
  base: optional(doc(v.record(v.string(), v.unknown(), 'an object'), 'A spec (as in examples/*.yaml); `parallel` optional. The axes override its fields.')),
  grid: optional(
    doc(
      v.record(
        v.string(),
        v.pipe(
          list(v.unknown(), AXIS_VALUES),
          v.minLength(1, says('has the wrong type', AXIS_VALUES)),
          v.maxLength(MAX_AXIS_VALUES, says('has too many values', `at most ${MAX_AXIS_VALUES}`)),
        ),
        'an object',
      ),
      'Axes over dotted spec field paths (e.g. system.gpu: [h100-sxm, b200]); the first varies slowest.',
    ),
  ),
  search: optional(SweepSearchSchema, {}),
});
export type SweepFile = v.InferOutput<typeof SweepFileSchema>;
