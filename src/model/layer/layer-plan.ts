import type { ParallelPlan } from '../../spec/types.js';

/** The plan fields that shape one layer's cost (everything but pp, vpp, dp, ZeRO and the schedule). */
export type LayerPlan = Pick<ParallelPlan, 'tp' | 'cp' | 'ep' | 'microBatch' | 'sequenceParallel' | 'recompute' | 'tpCommOverlap' | 'epDispatch' | 'epCommOverlap' | 'cpComm'>;
