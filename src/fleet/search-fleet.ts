import { InputError } from '../core/index.js';
import type { EfficiencyModel } from '../model/index.js';
import { search, type SearchOptions, type SearchResult } from '../search/index.js';
import type { Spec } from '../spec/types.js';
import { searchMixed } from './search-mixed.js';
import type { MixedSearchResult } from './types.js';

/** What a plan search answers: one GPU type's ranked plans, or a mixed fleet's best layout per mode. */
export type FleetSearchResult = ({ fleet: 'homogeneous' } & SearchResult) | ({ fleet: 'mixed' } & MixedSearchResult);

/**
 * Plan search for any spec, the one function `colossus search` and `POST /api/search` call: a
 * system with two or more `pools` gets the mixed-fleet search (docs/fleet.md), anything else
 * `search`. What a mixed fleet cannot do yet is refused with the field named.
 */
export function searchFleet(spec: Spec, opts: SearchOptions = {}, effFor?: (spec: Spec) => EfficiencyModel): FleetSearchResult {
  const pools = spec.system.pools;
  if (pools && pools.length >= 2) {
    const objective = opts.objective ?? 'tokens-per-sec';
    if (objective !== 'tokens-per-sec') {
      throw new InputError([{ path: 'system.pools', message: `a mixed fleet is searched for tokens-per-sec only, not ${objective}`, expected: 'the tokens-per-sec objective (or one pool)' }]);
    }
    if (effFor) throw new InputError([{ path: 'system.pools', message: 'cannot use a calibration profile on a mixed fleet yet', expected: 'one pool to use a calibration' }]);
    if (opts.rankScore !== undefined) throw new InputError([{ path: 'system.pools', message: 'cannot rank a plan on a mixed fleet', expected: 'one pool to rank a plan' }]);
    return { fleet: 'mixed', ...searchMixed(spec, opts) };
  }
  return { fleet: 'homogeneous', ...search(spec, opts, effFor) };
}
