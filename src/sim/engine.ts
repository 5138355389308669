import { nodesEvicted, ratePerGpuHour, type FailureCause } from './causes.js';
import { EventHeap } from './heap.js';
import type { CheckpointCosts, GpuTime, JobModel, ReplicationResult } from './job.js';
import { Rng, deriveSeed } from './rng.js';

/*
 * The discrete-event engine. Failures are superposed Poisson processes, one per cause, with rate
 * (rate per GPU) × (GPUs the job holds); the next event of each cause is an exponential draw from
 * that cause's own stream. When the GPU count (or the burn-in multiplier) changes, the pending
 * residual time is rescaled by old rate / new rate — exact for an exponential, and it draws nothing.
 * The next failure of each cause lives in a small array scanned each step (a handful of causes);
 * the (time, seq) heap holds everything else: repairs in flight, the phase timer, SDC detection,
 * capacity changes and the end. Between events the job evolves deterministically, so training and
 * checkpoints are computed in closed form over a whole running segment instead of step by step.
 */

// Event kinds.
const EV_END = 0;
const EV_PHASE = 1;
const EV_REPAIR = 2;
const EV_SDC = 3;
const EV_BURNIN = 4;
const EV_CAPACITY = 5;
const EV_JOIN = 6;

// Job phases.
const RUNNING = 0;
const DETECTING = 1;
const RESTARTING = 2;
const WAITING = 3;
const DONE = 4;

/**
 * A reusable simulator for one job model. `run` simulates one replication; the streams depend only
 * on (seed, replication, cause index), so any replication can be run alone, on any thread.
 */
export class JobEngine {
  private readonly job: JobModel;
  private readonly heap = new EventHeap(256);
  private readonly rngs: Rng[];
  /** Time of each cause's next failure (+Infinity when its rate is 0). */
  private readonly causeNextT: Float64Array;
  /** Each cause's current rate per second (what `causeNextT` was drawn or rescaled at). */
  private readonly causeRateNow: Float64Array;
  /** Per GPU-second, before the burn-in multiplier. */
  private readonly causeRatePerGpuS: Float64Array;
  private readonly causeRepairMeanS: Float64Array;
  private readonly byCause: Int32Array;
  /** The causes as of now (a capacity change may rescale them to the new job's components). */
  private causes: readonly FailureCause[];

  // Clock and phase.
  private t = 0;
  private phase = RUNNING;
  private phaseStartT = 0;
  private phaseVersion = 0;
  private rateMultiplier = 1;

  // Size, speed and their costs (change only with the capacity schedule).
  private jobNodes = 0;
  private stepTimeS = 1;
  private totalReplicas = 1;
  private ck: CheckpointCosts = { intervalS: 1, writeS: 0, blockS: 0, restoreS: 0 };
  private restartS = 0;

  // Repair crews: repairs in progress, and the FIFO of failed units waiting for a crew.
  private repairsActive = 0;
  private queueNodes: number[] = [];
  private queueCause: number[] = [];
  private queueT: number[] = [];
  private queueHead = 0;
  private maxRepairQueueS = 0;

  // Partial recovery: spares re-forming a replica, and whether the next restart must be a full one.
  private joiningNodes = 0;
  private partial: JobModel['partialRecovery'];
  /** Nodes per data-parallel replica (a capacity change may change it with the plan). */
  private replicaNodes = 1;
  private fullRestartNext = false;

  // Node pool.
  private heldNodes = 0;
  private spares = 0;
  private nodesInRepair = 0;

  // The running segment: training since `segT0` on `activeReplicas` replicas.
  private activeReplicas = 0;
  private segT0 = 0;
  private segFraction = 1;
  private segRunGpus = 0;

  // Work that survives a restart (the last committed checkpoint).
  private committedSteps = 0;
  private committedGpuS = 0;

  // Silent data corruption waiting to be found, and the state it must roll back to.
  private sdcPending = false;
  private sdcVersion = 0;
  private sdcCause = 0;
  private sdcSafeSteps = 0;
  private sdcSafeGpuS = 0;

  // Accounting (GPU-seconds) and counters.
  private lostGpuS = 0;
  private checkpointGpuS = 0;
  private detectionGpuS = 0;
  private restartGpuS = 0;
  private waitingGpuS = 0;
  private degradedGpuS = 0;
  private totalGpuS = 0;
  private interruptions = 0;
  private checkpoints = 0;
  private spareShortfalls = 0;
  private peakNodesInRepair = 0;
  private reconfigurations = 0;

  // Progress samples.
  private sampleIdx = 0;
  private progress: number[] = [];

  constructor(job: JobModel) {
    this.job = job;
    const n = job.causes.length;
    this.rngs = job.causes.map(() => new Rng(0));
    this.causeNextT = new Float64Array(n);
    this.causeRateNow = new Float64Array(n);
    this.causeRatePerGpuS = new Float64Array(n);
    this.causeRepairMeanS = new Float64Array(n);
    this.byCause = new Int32Array(n);
    this.causes = job.causes;
    this.setCauses(job.causes);
  }

  private setCauses(causes: readonly FailureCause[]): void {
    const job = this.job;
    this.causes = causes;
    causes.forEach((c, i) => {
      this.causeRatePerGpuS[i] = ratePerGpuHour(c, job.gpusPerNode, job.nodesPerSwitch) / 3600;
      this.causeRepairMeanS[i] = c.repairHours * 3600;
    });
  }

  /** Simulate replication `replication` of the job under root seed `seed`. */
  run(seed: number, replication: number): ReplicationResult {
    const job = this.job;
    this.reset();
    for (let c = 0; c < this.rngs.length; c++) (this.rngs[c] as Rng).reseed(deriveSeed(seed, replication, c));

    const heap = this.heap;
    heap.push(job.horizonS, EV_END, 0);
    if (job.burnIn) {
      // A burn-in longer than the horizon lasts the whole run.
      this.rateMultiplier = job.burnIn.rateMultiplier;
      if (job.burnIn.untilS < job.horizonS) heap.push(job.burnIn.untilS, EV_BURNIN, 0);
    }
    const capacity = job.capacity ?? [];
    for (let i = 0; i < capacity.length; i++) {
      const change = capacity[i];
      if (change && change.atS < job.horizonS) heap.push(change.atS, EV_CAPACITY, i);
    }
    for (let c = 0; c < this.rngs.length; c++) this.drawCause(c);
    this.tryRestart(0);
    // The initial start costs nothing: the job is simply running at t = 0.
    if (this.phase === RESTARTING) this.startRunning();

    const causeNextT = this.causeNextT;
    const nCauses = causeNextT.length;
    for (;;) {
      // The next failure of any cause; it goes first unless a queued event is strictly earlier.
      let c = -1;
      let tc = Infinity;
      for (let i = 0; i < nCauses; i++) {
        const ti = causeNextT[i] as number;
        if (ti < tc) {
          tc = ti;
          c = i;
        }
      }
      if (c >= 0 && tc < heap.peekTime()) {
        this.sampleUntil(tc);
        this.t = tc;
        this.drawCause(c);
        this.onFailure(c);
        continue;
      }
      if (!heap.pop()) break;
      const now = heap.time;
      const kind = heap.kind;
      const data = heap.data;
      this.sampleUntil(now);
      this.t = now;
      if (kind === EV_PHASE) {
        if (data !== this.phaseVersion) continue;
        this.onPhaseEnd();
        if (this.phase === DONE) break;
      } else if (kind === EV_REPAIR) {
        this.onRepair(data);
      } else if (kind === EV_SDC) {
        if (data === this.sdcVersion && this.sdcPending) this.onSdcDetected();
      } else if (kind === EV_BURNIN) {
        this.rateMultiplier = 1;
        this.rescaleCauses();
      } else if (kind === EV_CAPACITY) {
        this.onCapacity(data);
      } else if (kind === EV_JOIN) {
        this.onJoin(data);
      } else if (kind === EV_END) {
        this.finish();
        break;
      }
    }
    return this.result();
  }

  private reset(): void {
    const job = this.job;
    this.replicaNodes = Math.max(1, job.replicaNodes);
    this.heap.clear();
    this.t = 0;
    this.phase = WAITING;
    this.phaseStartT = 0;
    this.phaseVersion = 0;
    this.rateMultiplier = 1;
    if (this.causes !== job.causes) this.setCauses(job.causes);
    this.jobNodes = job.jobNodes;
    this.stepTimeS = job.stepTimeS;
    this.totalReplicas = Math.max(1, Math.floor(job.jobNodes / this.replicaNodes));
    this.ck = job.checkpoint;
    this.restartS = job.restartS;
    this.repairsActive = 0;
    this.queueNodes.length = 0;
    this.queueCause.length = 0;
    this.queueT.length = 0;
    this.queueHead = 0;
    this.maxRepairQueueS = 0;
    this.heldNodes = job.jobNodes;
    this.spares = job.spareNodes;
    this.joiningNodes = 0;
    this.fullRestartNext = false;
    this.partial = job.partialRecovery;
    this.nodesInRepair = 0;
    this.activeReplicas = 0;
    this.segT0 = 0;
    this.segFraction = 1;
    this.segRunGpus = 0;
    this.committedSteps = 0;
    this.committedGpuS = 0;
    this.sdcPending = false;
    this.sdcVersion = 0;
    this.sdcCause = 0;
    this.sdcSafeSteps = 0;
    this.sdcSafeGpuS = 0;
    this.lostGpuS = 0;
    this.checkpointGpuS = 0;
    this.detectionGpuS = 0;
    this.restartGpuS = 0;
    this.waitingGpuS = 0;
    this.degradedGpuS = 0;
    this.totalGpuS = 0;
    this.interruptions = 0;
    this.checkpoints = 0;
    this.spareShortfalls = 0;
    this.peakNodesInRepair = 0;
    this.reconfigurations = 0;
    this.causeNextT.fill(Infinity);
    this.causeRateNow.fill(0);
    this.byCause.fill(0);
    this.sampleIdx = 0;
    this.progress = new Array<number>(job.progressSamples).fill(0);
  }

  // ---- failure processes -------------------------------------------------------------------

  private currentRate(c: number): number {
    return (this.causeRatePerGpuS[c] as number) * this.rateMultiplier * this.heldNodes * this.job.gpusPerNode;
  }

  /** Draw cause c's next failure afresh from its stream. */
  private drawCause(c: number): void {
    const rate = this.currentRate(c);
    this.causeRateNow[c] = rate;
    this.causeNextT[c] = rate > 0 ? this.t + (this.rngs[c] as Rng).exponential(1 / rate) : Infinity;
  }

  /** The rates changed: rescale each pending residual time (exact for exponentials). */
  private rescaleCauses(): void {
    for (let c = 0; c < this.causeNextT.length; c++) {
      const old = this.causeRateNow[c] as number;
      const rate = this.currentRate(c);
      if (rate === old) continue;
      if (old > 0 && rate > 0) {
        this.causeNextT[c] = this.t + ((this.causeNextT[c] as number) - this.t) * (old / rate);
        this.causeRateNow[c] = rate;
      } else if (rate > 0) this.drawCause(c);
      else {
        this.causeNextT[c] = Infinity;
        this.causeRateNow[c] = 0;
      }
    }
  }

  private onFailure(c: number): void {
    const cause = this.causes[c];
    if (!cause) return;
    if (cause.silent) {
      // Corruption spreads quietly; a second one before the first is found merges into it.
      if (this.sdcPending) return;
      this.sdcPending = true;
      this.sdcCause = c;
      this.sdcVersion++;
      this.markSafePoint();
      this.heap.push(this.t + cause.detectS, EV_SDC, this.sdcVersion);
      return;
    }
    this.interruptions++;
    this.byCause[c] = (this.byCause[c] as number) + 1;
    // Partial recovery: the surviving replicas keep their state unless the fault hit every rank
    // or left no whole replica (a fault's nodes are contiguous: ⌈down / replica nodes⌉ replicas lost).
    const survivors = this.activeReplicas - Math.ceil(this.nodesDown(cause) / this.replicaNodes);
    const partial = this.partial !== undefined && cause.scope !== 'job' && survivors >= 1;
    if (this.partial && !partial) this.fullRestartNext = true;
    this.takeNodesDown(c);
    if (this.phase === RUNNING) {
      this.endSegment(partial);
      this.enterPhase(DETECTING, cause.detectS);
    } else if (this.phase === RESTARTING) {
      this.closePhase();
      this.enterPhase(DETECTING, cause.detectS);
    }
    // DETECTING: the restart that follows will find this fault too. WAITING: one node fewer.
  }

  private onSdcDetected(): void {
    const c = this.sdcCause;
    this.sdcPending = false;
    this.interruptions++;
    this.byCause[c] = (this.byCause[c] as number) + 1;
    const wasRunning = this.phase === RUNNING;
    if (wasRunning) this.endSegment(false);
    // Roll back to the last checkpoint taken before the corruption (if not already older).
    if (this.sdcSafeSteps < this.committedSteps) {
      this.lostGpuS += this.committedGpuS - this.sdcSafeGpuS;
      this.committedSteps = this.sdcSafeSteps;
      this.committedGpuS = this.sdcSafeGpuS;
    }
    if (this.partial) this.fullRestartNext = true;
    this.takeNodesDown(c);
    if (wasRunning) this.tryRestart(0);
  }

  /** Remember what a silent corruption at time t rolls back to: checkpoints whose compute ended before t. */
  private markSafePoint(): void {
    this.sdcSafeSteps = this.committedSteps;
    this.sdcSafeGpuS = this.committedGpuS;
    if (this.phase !== RUNNING) return;
    const { intervalS, blockS } = this.ck;
    const e = this.t - this.segT0;
    const cycle = intervalS + blockS;
    const n = Math.floor(e / cycle);
    const k = n + (e - n * cycle >= intervalS ? 1 : 0);
    this.sdcSafeSteps += (k * intervalS * this.segFraction) / this.stepTimeS;
    this.sdcSafeGpuS += k * intervalS * this.segRunGpus;
  }

  /** The job's nodes a fault of `cause` takes down now. */
  private nodesDown(cause: FailureCause): number {
    return Math.min(nodesEvicted(cause, this.job.nodesPerSwitch), this.heldNodes);
  }

  /** Evict the nodes a cause takes down, send them to repair, and refill from the spare pool. */
  private takeNodesDown(c: number): void {
    const cause = this.causes[c];
    if (!cause) return;
    const before = this.heldNodes;
    const down = this.nodesDown(cause);
    if (down > 0) {
      this.heldNodes -= down;
      this.nodesInRepair += down;
      if (this.nodesInRepair > this.peakNodesInRepair) this.peakNodesInRepair = this.nodesInRepair;
      const crews = this.job.repairCrews;
      if (crews === undefined || this.repairsActive < crews) this.startRepair(c, down);
      else {
        this.queueNodes.push(down);
        this.queueCause.push(c);
        this.queueT.push(this.t);
      }
      const take = Math.min(this.spares, Math.max(0, this.jobNodes - this.heldNodes - this.joiningNodes));
      this.spares -= take;
      if (this.partial && take > 0) {
        // The spare re-forms the replica in the background while the job runs shrunk.
        this.joiningNodes += take;
        this.heap.push(this.t + this.partial.rejoinS, EV_JOIN, take);
      } else this.heldNodes += take;
    }
    if (this.heldNodes !== before) this.rescaleCauses();
  }

  private startRepair(c: number, nodes: number): void {
    this.repairsActive++;
    const repairS = (this.rngs[c] as Rng).exponential(this.causeRepairMeanS[c] as number);
    this.heap.push(this.t + repairS, EV_REPAIR, nodes);
  }

  private onRepair(nodes: number): void {
    this.repairsActive--;
    if (this.queueHead < this.queueNodes.length) {
      const i = this.queueHead++;
      const waitedS = this.t - (this.queueT[i] as number);
      if (waitedS > this.maxRepairQueueS) this.maxRepairQueueS = waitedS;
      this.startRepair(this.queueCause[i] as number, this.queueNodes[i] as number);
    }
    this.nodesInRepair -= nodes;
    this.takeNodes(nodes);
    if (this.phase === WAITING) {
      this.closePhase();
      this.tryRestart(0);
    } else if (this.partial) {
      this.rejoin();
    } else if (this.phase === RUNNING && this.activeReplicas < this.totalReplicas && this.worthRegrowing()) {
      // An elastic job that ran shrunk grows back: a blocking checkpoint, then a restart.
      this.endSegment(true);
      this.checkpoints++;
      this.reconfigurations++;
      this.tryRestart(this.ck.writeS);
    }
  }

  /**
   * Grow a shrunk elastic job now only if the replicas it would gain, over the expected time to the
   * next interruption (whose restart would pick them up for free), are worth more than the
   * reconfiguration (a blocking checkpoint + restart + restore).
   */
  private worthRegrowing(): boolean {
    const job = this.job;
    const replicas = Math.min(this.totalReplicas, Math.floor(this.heldNodes / this.replicaNodes));
    if (replicas <= this.activeReplicas) return false;
    let ratePerS = 0;
    for (let c = 0; c < this.rngs.length; c++) ratePerS += this.causeRatePerGpuS[c] as number;
    ratePerS *= this.rateMultiplier * this.heldNodes * job.gpusPerNode;
    const untilNextFailureS = ratePerS > 0 ? 1 / ratePerS : Infinity;
    const gain = ((replicas - this.activeReplicas) / this.totalReplicas) * untilNextFailureS;
    return gain > this.ck.writeS + this.restartS + this.ck.restoreS;
  }

  /** Nodes back (repaired or re-formed): the job takes what it lacks, the rest become spares. */
  private takeNodes(nodes: number): void {
    const give = Math.max(0, Math.min(nodes, this.jobNodes - this.heldNodes));
    this.heldNodes += give;
    this.spares += nodes - give;
    if (give > 0) this.rescaleCauses();
  }

  /** Spare nodes that re-formed a replica (partial recovery) join the job. */
  private onJoin(nodes: number): void {
    this.joiningNodes -= nodes;
    this.takeNodes(nodes);
    if (this.phase === WAITING) {
      this.closePhase();
      this.tryRestart(0);
    } else this.rejoin();
  }

  /** Partial recovery: replicas whose nodes are whole again join at the next step boundary (one step of the whole job). */
  private rejoin(): void {
    if (this.phase !== RUNNING || this.activeReplicas >= this.totalReplicas) return;
    const replicas = Math.min(this.totalReplicas, Math.floor(this.heldNodes / this.replicaNodes));
    if (replicas <= this.activeReplicas) return;
    this.endSegment(true);
    this.reconfigurations++;
    this.activeReplicas = replicas;
    this.enterPhase(RESTARTING, this.stepTimeS);
  }

  private onCapacity(index: number): void {
    const change = this.job.capacity?.[index];
    if (!change) return;
    const wasRunning = this.phase === RUNNING;
    // The final checkpoint of the old plan is written at the old size's cost.
    const finalWriteS = this.ck.writeS;
    if (wasRunning) {
      this.endSegment(true);
      this.checkpoints++;
      this.reconfigurations++;
    } else {
      this.closePhase();
      this.phaseStartT = this.t;
    }
    // A new plan is a full restart, also under partial recovery.
    if (this.partial) this.fullRestartNext = true;
    if (change.checkpoint) this.ck = change.checkpoint;
    if (change.restartS !== undefined) this.restartS = change.restartS;
    if (change.spareNodes !== undefined) this.spares = Math.max(0, change.spareNodes - this.nodesInRepair);
    if (change.causes && change.causes.length === this.causes.length) this.setCauses(change.causes);
    if (change.replicaNodes !== undefined) this.replicaNodes = Math.max(1, change.replicaNodes);
    if (change.partialRecovery && this.partial) this.partial = change.partialRecovery;
    const before = this.heldNodes;
    if (change.jobNodes > this.jobNodes) this.heldNodes += change.jobNodes - this.jobNodes;
    this.jobNodes = change.jobNodes;
    if (this.heldNodes > this.jobNodes) this.heldNodes = this.jobNodes;
    // Nodes the job lacks (still in repair) come from the new plan's spare pool, as at a fault.
    const fill = Math.min(this.spares, Math.max(0, this.jobNodes - this.heldNodes - this.joiningNodes));
    this.spares -= fill;
    this.heldNodes += fill;
    this.stepTimeS = change.stepTimeS;
    this.totalReplicas = Math.max(1, Math.floor(this.jobNodes / this.replicaNodes));
    if (this.heldNodes !== before || change.causes) this.rescaleCauses();
    if (wasRunning) this.tryRestart(finalWriteS);
    else if (this.phase === RESTARTING || this.phase === WAITING) {
      this.closePhase();
      this.tryRestart(0);
    }
  }

  // ---- phases ------------------------------------------------------------------------------

  private enterPhase(phase: number, durationS: number): void {
    this.phase = phase;
    this.phaseStartT = this.t;
    this.phaseVersion++;
    if (Number.isFinite(durationS)) this.heap.push(this.t + durationS, EV_PHASE, this.phaseVersion);
  }

  /** Book the time spent in the current (non-running) phase. */
  private closePhase(): void {
    const gpuS = (this.t - this.phaseStartT) * this.jobNodes * this.job.gpusPerNode;
    this.phaseStartT = this.t;
    this.totalGpuS += gpuS;
    if (this.phase === DETECTING) this.detectionGpuS += gpuS;
    else if (this.phase === RESTARTING) this.restartGpuS += gpuS;
    else if (this.phase === WAITING) this.waitingGpuS += gpuS;
  }

  private onPhaseEnd(): void {
    if (this.phase === DETECTING) {
      this.closePhase();
      this.tryRestart(0);
    } else if (this.phase === RESTARTING) {
      this.closePhase();
      this.startRunning();
    } else if (this.phase === RUNNING) {
      // The step target was reached.
      this.endSegment(true);
      this.phase = DONE;
      this.fillSamples();
    }
  }

  /** Restart on as many replicas as the nodes allow, or wait for a repair. */
  private tryRestart(extraS: number): void {
    const job = this.job;
    let replicas = 0;
    if (this.heldNodes >= this.jobNodes) replicas = this.totalReplicas;
    else if (job.elastic || this.partial) {
      const r = Math.min(this.totalReplicas, Math.floor(this.heldNodes / this.replicaNodes));
      if (r >= Math.min(job.minReplicas, this.totalReplicas)) replicas = r;
    }
    if (replicas < this.totalReplicas && this.t > 0) this.spareShortfalls++;
    if (replicas === 0) {
      this.enterPhase(WAITING, Infinity);
      return;
    }
    this.activeReplicas = replicas;
    const pr = this.partial;
    if (pr && !this.fullRestartNext && this.t > 0) {
      // Partial recovery: a stall, no restore (the surviving replicas hold the state).
      this.enterPhase(RESTARTING, extraS + this.restartS);
      return;
    }
    this.fullRestartNext = false;
    this.enterPhase(RESTARTING, extraS + (pr ? pr.fullRestartS : this.restartS) + this.ck.restoreS);
  }

  private startRunning(): void {
    const job = this.job;
    this.phase = RUNNING;
    this.phaseVersion++;
    this.segT0 = this.t;
    this.segFraction = this.activeReplicas / this.totalReplicas;
    this.segRunGpus = this.activeReplicas * this.replicaNodes * job.gpusPerNode;
    if (job.targetSteps !== undefined) {
      const remainingSteps = job.targetSteps - this.committedSteps;
      const computeS = Math.max(0, (remainingSteps * this.stepTimeS) / this.segFraction);
      this.heap.push(this.t + this.elapsedForCompute(computeS), EV_PHASE, this.phaseVersion);
    }
  }

  // ---- the running segment, in closed form -------------------------------------------------

  /** Compute time done `e` seconds into a segment (the rest was blocked on checkpoints). */
  private computeAt(e: number): number {
    const { intervalS, blockS } = this.ck;
    const cycle = intervalS + blockS;
    const n = Math.floor(e / cycle);
    const rem = e - n * cycle;
    return n * intervalS + (rem < intervalS ? rem : intervalS);
  }

  /** Checkpoints committed `e` seconds into a segment. */
  private commitsAt(e: number): number {
    const { intervalS, blockS, writeS } = this.ck;
    const k = Math.floor((e + blockS - writeS) / (intervalS + blockS));
    return k > 0 ? k : 0;
  }

  /** Inverse of computeAt: the elapsed time at which `computeS` of training is done. */
  private elapsedForCompute(computeS: number): number {
    const { intervalS, blockS } = this.ck;
    const n = Math.floor(computeS / intervalS);
    const rem = computeS - n * intervalS;
    if (rem === 0 && n > 0) return n * (intervalS + blockS) - blockS;
    return n * (intervalS + blockS) + rem;
  }

  /**
   * End the running segment at the current time. `keepAll`: everything trained so far is kept
   * (a planned stop with a final checkpoint, or the end of the horizon); otherwise the job rolls
   * back to its last committed checkpoint.
   */
  private endSegment(keepAll: boolean): void {
    const job = this.job;
    const e = this.t - this.segT0;
    const computeS = this.computeAt(e);
    const run = this.segRunGpus;
    const nominal = this.jobNodes * job.gpusPerNode;
    const commits = this.commitsAt(e);
    const keptS = keepAll ? computeS : commits * this.ck.intervalS;
    this.checkpoints += commits;
    this.checkpointGpuS += (e - computeS) * run;
    this.degradedGpuS += e * (nominal - run);
    this.lostGpuS += (computeS - keptS) * run;
    this.totalGpuS += e * nominal;
    this.committedSteps += (keptS * this.segFraction) / this.stepTimeS;
    this.committedGpuS += keptS * run;
    this.phase = WAITING; // callers move on to the next phase
    this.phaseStartT = this.t;
  }

  private stepsAt(t: number): number {
    if (this.phase !== RUNNING) return this.committedSteps;
    return this.committedSteps + (this.computeAt(t - this.segT0) * this.segFraction) / this.stepTimeS;
  }

  private sampleUntil(t: number): void {
    const n = this.job.progressSamples;
    const dt = this.job.horizonS / n;
    while (this.sampleIdx < n && (this.sampleIdx + 1) * dt <= t) {
      this.progress[this.sampleIdx] = this.stepsAt((this.sampleIdx + 1) * dt);
      this.sampleIdx++;
    }
  }

  private fillSamples(): void {
    while (this.sampleIdx < this.job.progressSamples) this.progress[this.sampleIdx++] = this.committedSteps;
  }

  private finish(): void {
    // Training done since the last checkpoint counts: the job would checkpoint as it stops.
    if (this.phase === RUNNING) this.endSegment(true);
    else this.closePhase();
    this.phase = DONE;
    this.fillSamples();
  }

  private result(): ReplicationResult {
    const gpuS: GpuTime = {
      total: this.totalGpuS,
      productive: this.committedGpuS,
      lostWork: this.lostGpuS,
      checkpoint: this.checkpointGpuS,
      detection: this.detectionGpuS,
      restart: this.restartGpuS,
      waiting: this.waitingGpuS,
      degraded: this.degradedGpuS,
    };
    return {
      wallS: this.t,
      steps: this.committedSteps,
      gpuS,
      interruptions: this.interruptions,
      byCause: Array.from(this.byCause),
      checkpoints: this.checkpoints,
      spareShortfalls: this.spareShortfalls,
      maxRepairQueueS: this.maxRepairQueueS,
      peakNodesInRepair: this.peakNodesInRepair,
      reconfigurations: this.reconfigurations,
      progressSteps: this.progress,
    };
  }
}

/** Simulate one replication of a job (a convenience over `new JobEngine(job).run(...)`). */
export function simulateJob(job: JobModel, seed: number, replication = 0): ReplicationResult {
  return new JobEngine(job).run(seed, replication);
}
