import { JobEngine } from './engine.js';
import type { JobModel, ReplicationResult } from './job.js';

/**
 * Run replications `from` (inclusive) to `to` (exclusive) in this thread. Replication r always
 * draws from streams derived from (seed, r), so splitting a range across threads changes nothing.
 */
export function runReplications(
  job: JobModel,
  seed: number,
  from: number,
  to: number,
  onEach?: (replication: number) => void,
): ReplicationResult[] {
  const engine = new JobEngine(job);
  const out: ReplicationResult[] = [];
  for (let r = from; r < to; r++) {
    out.push(engine.run(seed, r));
    onEach?.(r);
  }
  return out;
}

/** Runs `count` replications somewhere (this thread, worker threads) and returns them in order. */
export type ReplicationRunner = (job: JobModel, seed: number, count: number) => Promise<ReplicationResult[]>;

/** The in-thread runner. */
export const inProcessRunner: ReplicationRunner = (job, seed, count) => Promise.resolve(runReplications(job, seed, 0, count));
