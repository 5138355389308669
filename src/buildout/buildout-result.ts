/** The site at the end of one day. Counts by GPU type are cumulative states, not flows. */
export interface BuildoutDay {
  day: number;
  /** GPUs delivered so far. */
  gpusDelivered: Record<string, number>;
  /** GPUs in installed racks so far. */
  gpusInstalled: Record<string, number>;
  /** GPUs that passed burn-in (ready to run, power permitting). */
  gpusReady: Record<string, number>;
  /** GPUs ready and powered: the capacity. */
  gpusOnline: Record<string, number>;
  gpusOnlineTotal: number;
  racksInstalled: number;
  /** Arrays whose network is up. */
  arraysNetworked: number;
  /** Site power available; null = unlimited. */
  powerLimitMw: number | null;
  /** Facility power of the online GPUs at full load. */
  powerUsedMw: number;
}

export interface BuildoutMilestones {
  firstDeliveryDay: number | null;
  firstRackInstalledDay: number | null;
  firstGpusOnlineDay: number | null;
  /** First day on which every GPU delivered in the input is online; null if not within the horizon. */
  allDeliveredOnlineDay: number | null;
}

export interface BuildoutResult {
  gpuTypes: string[];
  days: BuildoutDay[];
  milestones: BuildoutMilestones;
}
