import type { BuildoutInput, PowerPhase } from './buildout-input.js';
import type { BuildoutDay, BuildoutResult } from './buildout-result.js';
import { validateBuildoutInput } from './validate-buildout-input.js';

interface Rack {
  gpuType: string;
  gpus: number;
}

interface OpenArray {
  racks: number;
  gpus: number;
}

/** GPUs of one type that pass burn-in on one day; kept in the order they became ready. */
interface Cohort {
  gpuType: string;
  gpus: number;
}

function phaseAt<T extends { startDay: number }>(phases: readonly T[], day: number): T | undefined {
  let current: T | undefined;
  for (const phase of phases) {
    if (phase.startDay <= day) current = phase;
    else break;
  }
  return current;
}

function powerMw(phase: PowerPhase | undefined): number {
  if (!phase) return 0;
  // A battery is a buffer, not continuous supply (see PowerPhase.batteryMw).
  return phase.gridMw + (phase.generationMw ?? 0);
}

const add = (record: Record<string, number>, key: string, n: number): void => {
  record[key] = (record[key] ?? 0) + n;
};

/**
 * Day-by-day build-out. Each day: deliveries arrive and fill racks (`gpusPerServer ×
 * serversPerRack` GPUs; a partial rack is closed as it is once no more of its type will arrive,
 * or none has arrived for `partialCloseAfterIdleDays`); racks are installed first-in first-out
 * at the phase's rate; racks fill arrays of `racksPerArray` (closed partial likewise); a
 * closed array is networked after `networkBringUpDays` and burned in for `burnInDays`, after which its GPUs are ready, less the
 * expected infant mortality, which follows `replacementDays` later. Ready GPUs come online in the
 * order they became ready while the site's power allows. Pure and deterministic.
 *
 * Invariants (tested): never more online than ready, ready than installed, installed than
 * delivered; with non-decreasing power, every type's online count never decreases.
 */
export function simulateBuildout(input: BuildoutInput): BuildoutResult {
  validateBuildoutInput(input);
  const gpusPerRack = input.gpusPerServer * input.serversPerRack;
  const gpuTypes = [...new Set(input.deliveries.map((d) => d.gpuType))].sort();
  const lastDeliveryDay: Record<string, number> = {};
  const deliveriesByDay = new Map<number, { gpuType: string; gpus: number }[]>();
  for (const d of input.deliveries) {
    lastDeliveryDay[d.gpuType] = Math.max(lastDeliveryDay[d.gpuType] ?? 0, d.day);
    const list = deliveriesByDay.get(d.day) ?? [];
    list.push(d);
    deliveriesByDay.set(d.day, list);
  }
  const lastArrivalDay: Record<string, number> = {};
  const idle = (gpuType: string, day: number): boolean =>
    day >= (lastDeliveryDay[gpuType] ?? 0) ||
    day - (lastArrivalDay[gpuType] ?? -Infinity) >= input.partialCloseAfterIdleDays;
  const totalDelivered = input.deliveries.reduce((s, d) => s + d.gpus, 0);

  const zero = (): Record<string, number> => Object.fromEntries(gpuTypes.map((t) => [t, 0]));
  const delivered = zero();
  const installed = zero();
  const ready = zero();
  const pool = zero(); // delivered, not yet in a formed rack
  // Racks waiting for a crew, in arrival order, run-length encoded (a run = `count` racks of one
  // type and size), read from `queueHead`: linear in the number of racks, however many are queued.
  const rackQueue: (Rack & { count: number })[] = [];
  let queueHead = 0;
  const queuedRacks: Record<string, number> = {};
  const enqueue = (gpuType: string, gpus: number, count: number): void => {
    const last = rackQueue[rackQueue.length - 1];
    if (last && rackQueue.length > queueHead && last.gpuType === gpuType && last.gpus === gpus) last.count += count;
    else rackQueue.push({ gpuType, gpus, count });
    queuedRacks[gpuType] = (queuedRacks[gpuType] ?? 0) + count;
  };
  const dequeue = (): Rack | undefined => {
    const run = rackQueue[queueHead];
    if (!run) return undefined;
    run.count -= 1;
    queuedRacks[run.gpuType] = (queuedRacks[run.gpuType] ?? 0) - 1;
    if (run.count === 0) {
      queueHead += 1;
      if (queueHead > 1024 && queueHead * 2 > rackQueue.length) {
        rackQueue.splice(0, queueHead);
        queueHead = 0;
      }
    }
    return { gpuType: run.gpuType, gpus: run.gpus };
  };
  const queueEmpty = (): boolean => queueHead >= rackQueue.length;
  const openArrays: Record<string, OpenArray> = {};
  const pendingReady = new Map<number, Cohort[]>(); // day → cohorts becoming ready
  const pendingNetworked = new Map<number, number>(); // day → arrays networked
  const cohorts: Cohort[] = [];
  let installCredit = 0;
  let racksInstalled = 0;
  let arraysNetworked = 0;
  const days: BuildoutDay[] = [];
  const milestones: BuildoutResult['milestones'] = {
    firstDeliveryDay: null,
    firstRackInstalledDay: null,
    firstGpusOnlineDay: null,
    allDeliveredOnlineDay: null,
  };

  const schedule = <T>(map: Map<number, T[]>, day: number, item: T): void => {
    const list = map.get(day) ?? [];
    list.push(item);
    map.set(day, list);
  };

  const closeArray = (gpuType: string, day: number): void => {
    const array = openArrays[gpuType];
    if (!array || array.racks === 0) return;
    delete openArrays[gpuType];
    const networkedDay = day + input.networkBringUpDays;
    pendingNetworked.set(networkedDay, (pendingNetworked.get(networkedDay) ?? 0) + 1);
    const readyDay = networkedDay + input.burnInDays;
    const failed = Math.round(array.gpus * input.infantMortalityFraction);
    if (array.gpus - failed > 0) schedule(pendingReady, readyDay, { gpuType, gpus: array.gpus - failed });
    if (failed > 0) schedule(pendingReady, readyDay + input.replacementDays, { gpuType, gpus: failed });
  };

  for (let day = 0; day <= input.horizonDays; day++) {
    // 1. Deliveries arrive and form racks.
    for (const d of deliveriesByDay.get(day) ?? []) {
      add(delivered, d.gpuType, d.gpus);
      add(pool, d.gpuType, d.gpus);
      if (d.gpus > 0) {
        milestones.firstDeliveryDay ??= day;
        lastArrivalDay[d.gpuType] = day;
      }
    }
    for (const gpuType of gpuTypes) {
      const fullRacks = Math.floor((pool[gpuType] ?? 0) / gpusPerRack);
      if (fullRacks > 0) {
        enqueue(gpuType, gpusPerRack, fullRacks);
        add(pool, gpuType, -fullRacks * gpusPerRack);
      }
      const rest = pool[gpuType] ?? 0;
      if (rest > 0 && idle(gpuType, day)) {
        enqueue(gpuType, rest, 1);
        pool[gpuType] = 0;
      }
    }

    // 2. Install racks at the phase's rate; installed racks fill arrays.
    installCredit += phaseAt(input.installPhases, day)?.racksPerDay ?? 0;
    while (installCredit >= 1 && !queueEmpty()) {
      const rack = dequeue();
      if (!rack) break;
      installCredit -= 1;
      racksInstalled += 1;
      milestones.firstRackInstalledDay ??= day;
      add(installed, rack.gpuType, rack.gpus);
      const array = (openArrays[rack.gpuType] ??= { racks: 0, gpus: 0 });
      array.racks += 1;
      array.gpus += rack.gpus;
      if (array.racks >= input.racksPerArray) closeArray(rack.gpuType, day);
    }
    if (queueEmpty()) installCredit -= Math.floor(installCredit); // idle crews bank no racks
    for (const gpuType of gpuTypes) {
      const waiting = (pool[gpuType] ?? 0) > 0 || (queuedRacks[gpuType] ?? 0) > 0;
      if (!waiting && idle(gpuType, day)) closeArray(gpuType, day);
    }

    // 3. Networks come up; burn-in ends.
    arraysNetworked += pendingNetworked.get(day) ?? 0;
    for (const cohort of pendingReady.get(day) ?? []) {
      cohorts.push(cohort);
      add(ready, cohort.gpuType, cohort.gpus);
    }
    pendingNetworked.delete(day);
    pendingReady.delete(day);

    // 4. Power: ready cohorts come online in order until the first that does not fit.
    const online = zero();
    const limitMw = input.powerPhases.length > 0 ? powerMw(phaseAt(input.powerPhases, day)) : null;
    let usedW = 0;
    let leftW = limitMw === null ? Infinity : limitMw * 1e6;
    for (const cohort of cohorts) {
      const watts = input.facilityWattsPerGpu[cohort.gpuType] ?? 0;
      const fits = watts > 0 ? Math.min(cohort.gpus, Math.floor(leftW / watts + 1e-9)) : cohort.gpus;
      add(online, cohort.gpuType, fits);
      usedW += fits * watts;
      leftW -= fits * watts;
      if (fits < cohort.gpus) break;
    }
    const onlineTotal = Object.values(online).reduce((s, n) => s + n, 0);
    if (onlineTotal > 0) milestones.firstGpusOnlineDay ??= day;
    if (totalDelivered > 0 && onlineTotal === totalDelivered) milestones.allDeliveredOnlineDay ??= day;

    days.push({
      day,
      gpusDelivered: { ...delivered },
      gpusInstalled: { ...installed },
      gpusReady: { ...ready },
      gpusOnline: online,
      gpusOnlineTotal: onlineTotal,
      racksInstalled,
      arraysNetworked,
      powerLimitMw: limitMw,
      powerUsedMw: usedW / 1e6,
    });
  }
  return { gpuTypes, days, milestones };
}
