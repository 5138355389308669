import { causeRatePerHour, nodesEvicted } from './causes.js';
import type { JobModel } from './job.js';
import type { ReplicationRunner } from './replicate.js';
import type { SimScenario } from './scenario.js';
import { sig } from './summary.js';
import { summarize } from './stats.js';

/** One spare-pool size and what it gave (means over the scenario's replications, same seeds). */
export interface SparePoint {
  spareNodes: number;
  ettr: number;
  ettrP10: number;
  ettrP90: number;
  /** Hours of the full job spent waiting for a repair. */
  waitingHours: number;
  /** Restarts that found no spare. */
  shortfalls: number;
  /** With a target: median wall-clock days to reach it. */
  daysP50?: number;
}

export interface SpareOptimization {
  /** Nodes out for repair on average (Little's law: node-evicting rate × nodes per fault × mean repair). */
  expectedNodesInRepair: number;
  /** Idle nodes of the cluster beside the job, when the scenario gives `cluster.gpus`. */
  idleNodes: number | null;
  points: SparePoint[];
  /** The smallest pool within 0.1 ETTR points of the best. */
  recommended: SparePoint;
}

/** Nodes in repair on average for the job at full size: Σ rate × nodes taken × repair time. */
export function expectedNodesInRepair(job: JobModel): number {
  let sum = 0;
  for (const c of job.causes) {
    const nodes = nodesEvicted(c, job.nodesPerSwitch);
    sum += causeRatePerHour(c, job.jobNodes, job.gpusPerNode, job.nodesPerSwitch) * nodes * c.repairHours;
  }
  return sum;
}

/**
 * `simulate --optimize-spares`: simulate the job with spare pools from none to several times the
 * expected number of nodes in repair (and the cluster's idle nodes), all with the same seeds, and
 * report ETTR against spare nodes.
 */
export async function optimizeSpares(sc: SimScenario, run: ReplicationRunner): Promise<SpareOptimization> {
  const job = sc.job;
  const inRepair = expectedNodesInRepair(job);
  const idleNodes = sc.clusterGpus !== undefined ? Math.floor((sc.clusterGpus - sc.jobGpus) / job.gpusPerNode) : null;
  const grid = new Set<number>([0]);
  for (const f of [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3]) grid.add(Math.ceil(inRepair * f));
  grid.add(Math.ceil(inRepair + 3 * Math.sqrt(inRepair))); // ~p99.9 of a Poisson count
  if (idleNodes !== null && idleNodes > 0) grid.add(idleNodes);
  grid.add(job.spareNodes);
  const sizes = [...grid].filter((x) => x >= 0).sort((a, b) => a - b);
  const points: SparePoint[] = [];
  for (const spareNodes of sizes) {
    const reps = await run({ ...job, spareNodes }, sc.seed, sc.replications);
    const jobGpus = job.jobNodes * job.gpusPerNode;
    const ettr = reps.map((r) => (r.gpuS.total > 0 ? r.gpuS.productive / r.gpuS.total : 0));
    const s = summarize(ettr);
    const mean = (f: (r: (typeof reps)[number]) => number): number => reps.reduce((a, r) => a + f(r), 0) / Math.max(1, reps.length);
    const p: SparePoint = {
      spareNodes,
      ettr: sig(s.mean),
      ettrP10: sig(s.p10),
      ettrP90: sig(s.p90),
      waitingHours: sig(mean((r) => r.gpuS.waiting) / jobGpus / 3600),
      shortfalls: sig(mean((r) => r.spareShortfalls)),
    };
    if (sc.target) p.daysP50 = sig(summarize(reps.map((r) => r.wallS / 86400)).p50);
    points.push(p);
  }
  const best = Math.max(...points.map((p) => p.ettr));
  const recommended = points.find((p) => p.ettr >= best - 0.001) ?? (points[points.length - 1] as SparePoint);
  return { expectedNodesInRepair: sig(inRepair), idleNodes, points, recommended };
}
