import type { AlgorithmId, CollectiveAlgorithm, CollectiveKind, NetTables } from './algorithm.js';
import { hierarchical } from './algorithms/hierarchical.js';
import { nvls } from './algorithms/nvls.js';
import { pairwise } from './algorithms/pairwise.js';
import { ring } from './algorithms/ring.js';
import { sharp } from './algorithms/sharp.js';
import { tree } from './algorithms/tree.js';
import type { GroupSpan } from './placement.js';

/** Every algorithm, for the shared contract test and for reports. */
export const ALGORITHMS: readonly CollectiveAlgorithm[] = [ring, tree, hierarchical, nvls, sharp, pairwise];

/**
 * What NCCL chooses among (ncclTopoGetAlgoTime: the cheapest of the enabled algorithms for this
 * size and communicator). `hierarchical` is not in it: NCCL runs one ring or tree over all
 * ranks, not one phase per switch tier.
 */
const NCCL: readonly CollectiveAlgorithm[] = [ring, tree, nvls, sharp, pairwise];

/** Id of the algorithm the last `collectiveS` call chose (for reports; not for the hot path). */
let lastChoice: AlgorithmId = 'ring';

/** Time of a collective with NCCL's choice of algorithm. */
export function collectiveS(kind: CollectiveKind, t: NetTables, g: GroupSpan, bytes: number): number {
  if (g.size <= 1 || bytes <= 0) return 0;
  // NCCL runs reduce-scatter and all-gather as rings (the hot path: skip the others' checks).
  if (kind === 'reduce-scatter' || kind === 'all-gather') {
    lastChoice = 'ring';
    return ring.timeS(kind, t, g, bytes);
  }
  let best = Infinity;
  for (let i = 0; i < NCCL.length; i++) {
    const a = NCCL[i] as CollectiveAlgorithm;
    if (!a.supports(kind, t, g)) continue;
    const x = a.timeS(kind, t, g, bytes);
    if (x < best) {
      best = x;
      lastChoice = a.id;
    }
  }
  return best === Infinity ? 0 : best;
}

/**
 * The algorithm NCCL would choose for this collective; the ring for one that moves nothing (no
 * bytes, one rank), whatever was asked before.
 */
export function chosenAlgorithm(kind: CollectiveKind, t: NetTables, g: GroupSpan, bytes: number): AlgorithmId {
  lastChoice = 'ring';
  collectiveS(kind, t, g, bytes);
  return lastChoice;
}
