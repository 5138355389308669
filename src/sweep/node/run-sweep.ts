import { formatShard, shardPoints, WHOLE } from '../shard.js';
import type { Shard, Sweep } from '../types.js';
import { runSweepPoints, type SweepPoolOptions } from './pool.js';
import type { RowSink } from './row-sink.js';

export interface RunSweepOptions extends SweepPoolOptions {
  /** Run only this slice (default: the whole sweep). */
  shard?: Shard;
}

export interface SweepRunSummary {
  sweep: string;
  name?: string;
  /** Points in the whole sweep, and in this run (its shard). */
  points: number;
  shard: string;
  shardPoints: number;
  ok: number;
  errors: number;
  threads: number;
  usesWorkers: boolean;
  elapsedS: number;
  pointsPerSec: number;
}

/**
 * Run a sweep (or one shard of it) into a sink, rows in point order. On failure the sink is
 * aborted, so no partial output is left under the target name.
 */
export async function runSweep(sweep: Sweep, sink: RowSink, options: RunSweepOptions = {}): Promise<SweepRunSummary> {
  const shard = options.shard ?? WHOLE;
  const points = shardPoints(sweep.points, shard);
  const t0 = performance.now();
  let errors = 0;
  let run;
  try {
    run = await runSweepPoints(
      sweep,
      points,
      (line) => {
        if (!(JSON.parse(line) as { ok: boolean }).ok) errors++;
        sink.write(line);
      },
      options,
    );
    sink.close();
  } catch (err) {
    sink.abort();
    throw err;
  }
  const elapsedS = (performance.now() - t0) / 1000;
  const summary: SweepRunSummary = {
    sweep: sweep.fingerprint,
    points: sweep.points,
    shard: formatShard(shard),
    shardPoints: points.length,
    ok: points.length - errors,
    errors,
    threads: run.threads,
    usesWorkers: run.usesWorkers,
    elapsedS,
    pointsPerSec: elapsedS > 0 ? points.length / elapsedS : 0,
  };
  if (sweep.name !== undefined) summary.name = sweep.name;
  return summary;
}
