import type { GpuPowerProfile } from './power-profile.js';

/** IT power per GPU (GPU at `utilisation`, its server share, its network share), W. */
export function itWattsPerGpu(profile: GpuPowerProfile, utilisation: number): number {
  const gpuW = profile.gpuIdleW + (profile.gpuTdpW - profile.gpuIdleW) * utilisation;
  return gpuW + profile.nodeOverheadWPerGpu + profile.networkWPerGpu;
}

/** Facility power per GPU (IT power × PUE), W. At `utilisation` 1 this is the provisioning figure. */
export function facilityWattsPerGpu(profile: GpuPowerProfile, utilisation: number): number {
  return itWattsPerGpu(profile, utilisation) * profile.pue;
}
