/**
 * Inputs of the build-out: GPUs delivered to the site become servers, racks and arrays, are
 * installed at a rate, networked, burned in, and come online as far as the site's power allows.
 * Day 0 is the scenario's start; all days are whole days.
 */

/** GPUs of one type arriving on one day. */
export interface GpuDelivery {
  day: number;
  /** Catalog GPU id, e.g. `h100-sxm`. */
  gpuType: string;
  gpus: number;
}

/** From `startDay` on (until the next phase), `racksPerDay` racks can be installed (may be fractional). */
export interface InstallPhase {
  startDay: number;
  racksPerDay: number;
}

/** From `startDay` on (until the next phase), the site can draw this much power. */
export interface PowerPhase {
  startDay: number;
  gridMw: number;
  /**
   * Battery (e.g. Tesla Megapack) power rating. NOT supply: a battery is an energy buffer that
   * smooths the synchronous power swings of training and rides through grid events; it cannot
   * carry the site's continuous load (`batteryMwh` says for how long it could). Default 0.
   */
  batteryMw?: number;
  /** Battery energy, MWh (reported: minutes it could carry the site's peak load). Default 0. */
  batteryMwh?: number;
  /** On-site generation (e.g. gas turbines), counted as supply with its own timeline. Default 0. */
  generationMw?: number;
  /** Where the numbers come from. */
  note?: string;
}

export interface BuildoutInput {
  deliveries: readonly GpuDelivery[];
  /** Days simulated: the result has one entry per day `0 … horizonDays`. */
  horizonDays: number;
  gpusPerServer: number;
  serversPerRack: number;
  racksPerArray: number;
  /**
   * A partial rack or array (fewer GPUs than full) waits for more GPUs of its type; it is closed
   * as it is once none has arrived for this many days, or once none will arrive.
   */
  partialCloseAfterIdleDays: number;
  /** Installation rate by phase; before the first phase nothing is installed. */
  installPhases: readonly InstallPhase[];
  /** Days from an array's last rack installed to its network being up. */
  networkBringUpDays: number;
  /** Days of burn-in after network bring-up, before GPUs go online. */
  burnInDays: number;
  /**
   * Expected fraction of GPUs failing burn-in (infant mortality). Deterministic expected value:
   * `round(gpus × fraction)` of each array come online `replacementDays` late.
   */
  infantMortalityFraction: number;
  /** Days to replace and re-test a GPU that failed burn-in. */
  replacementDays: number;
  /** Site power by phase; empty = unlimited. Before the first phase there is no power. */
  powerPhases: readonly PowerPhase[];
  /** Facility watts per online GPU (IT × PUE at full load), by GPU type; needed when power is limited. */
  facilityWattsPerGpu: Readonly<Record<string, number>>;
}
