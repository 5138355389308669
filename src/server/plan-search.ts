import { InputError, type Issue } from '../core/index.js';
import { searchFleet } from '../fleet/index.js';
import { OBJECTIVES, type Objective } from '../search/index.js';
import { parseSpecValue } from '../spec/index.js';
import type { SearchHandler } from './app-deps.js';

/** Most plans one request may ask for. */
export const MAX_TOP = 100;

/**
 * `POST /api/search?top=K&objective=NAME`: the body is a spec whose `parallel` may be left out or
 * partial (as `colossus search` reads it); the answer is the search's result (plans, evaluated,
 * pruned, elapsedS, explanation), or on a mixed fleet (`system.pools`) the mixed-fleet search's, as
 * `colossus search` answers (both call `searchFleet`).
 */
export function planSearch(query: { top?: string | undefined; objective?: string | undefined }): SearchHandler {
  return ({ value, doc }) => {
    const issues: Issue[] = [];
    const top = query.top === undefined ? 5 : Number(query.top);
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
      issues.push({ path: '?top', message: 'is not a valid number of plans', expected: `an integer from 1 to ${MAX_TOP}`, received: JSON.stringify(query.top) });
    }
    const objective = (query.objective ?? 'tokens-per-sec') as Objective;
    if (!OBJECTIVES.includes(objective)) {
      issues.push({ path: '?objective', message: 'is not an objective', expected: `one of ${OBJECTIVES.join(', ')}`, received: JSON.stringify(query.objective) });
    }
    const parsed = parseSpecValue(value, doc, [], { planOptional: true });
    if (!parsed.ok) issues.push(...parsed.issues);
    if (issues.length > 0 || !parsed.ok) throw new InputError(issues);
    if (objective === 'time-to-train' && parsed.spec.training.tokens === undefined) {
      throw new InputError([{ path: 'training.tokens', message: 'is required for the time-to-train objective', expected: 'a number of tokens' }]);
    }
    return Promise.resolve(searchFleet(parsed.spec, { top, objective }));
  };
}
