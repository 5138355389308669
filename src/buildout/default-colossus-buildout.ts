import { defaultPowerProfiles } from '../energy/power-profile.js';
import { facilityWattsPerGpu } from '../energy/watts-per-gpu.js';
import type { BuildoutInput, GpuDelivery } from './buildout-input.js';
import { evenDeliveries } from './even-deliveries.js';

/**
 * The Colossus build-out (Memphis, 2024–2025). Day 0 = 2024-05-03, 122 days before Musk's
 * 2024-09-02 "brought our Colossus 100K H100 training cluster online … done in 122 days" [P]
 * (hardware-colossus.md §1.1). Numbers cite hardware-colossus.md / catalog.json or are marked
 * `assumption`. Delivery dates are not public: all are assumptions shaped to the public milestones.
 */
export const colossusDay0 = '2024-05-03';

function deliveries(): GpuDelivery[] {
  return [
    // Phase 1: 100,000 H100 [P]. First rack rolled onto the floor 19 days before training began
    // (NVIDIA release [P]); training began 2024-07-22 [P] = day 80 → first rack ~day 61.
    // assumption: 2,000 GPUs/day (~31 racks/day) over days 60–109.
    ...evenDeliveries('h100-sxm', 100_000, 60, 109),
    // Phase 2: "double in size to 200K (50K H200s)" in "a few months" [P] → +50k H100 [D], +50k H200 [P].
    // assumption: H100 over days 150–199, H200 over days 180–269 (H200 shipping since Q2 2024 [S]).
    ...evenDeliveries('h100-sxm', 50_000, 150, 199),
    ...evenDeliveries('h200-sxm', 50_000, 180, 269),
  ];
}

const provisionedWatts = (gpuType: string): number => {
  const profile = defaultPowerProfiles[gpuType];
  if (!profile) throw new Error(`bug: no power profile for ${gpuType}`);
  // Provisioning at full load: (TDP + node overhead) × (1 + network share) × PUE — see energy/power-profile.ts.
  return facilityWattsPerGpu(profile, 1);
};

export const defaultColossusBuildout: BuildoutInput = {
  deliveries: deliveries(),
  horizonDays: 500, // assumption: reaches the 300 MW phase (day 486)
  gpusPerServer: 8, // Supermicro 4U HGX H100, 8 GPUs [S] (hardware-colossus.md §1.2)
  serversPerRack: 8, // 8 servers per rack = 64 GPUs [S] (§1.2)
  racksPerArray: 8, // 8 racks per array = 512 GPUs [S] (§1.2)
  partialCloseAfterIdleDays: 2, // assumption: a half-full rack/array waits two days for more GPUs
  installPhases: [
    // assumption: ~1,563 racks of phase 1 (100,000 / 64 [D]) in ~50 days ≈ 32 racks/day, Dell and
    // Supermicro integrating about half each [S] (§1.2).
    { startDay: 0, racksPerDay: 32 },
  ],
  networkBringUpDays: 2, // assumption: cabling + switch config of one 512-GPU array
  burnInDays: 3, // assumption: NCCL/HPL burn-in per array
  infantMortalityFraction: 0.02, // assumption: 2% of GPUs fail burn-in
  replacementDays: 3, // assumption: swap from on-site spares and re-test
  powerPhases: [
    // The public record (hardware-colossus.md §1.4 and the physics review); dates are assumptions.
    { startDay: 0, gridMw: 8, note: '~8 MW of existing grid service in July 2024 [S, via the physics review]' },
    { startDay: 60, gridMw: 8, generationMw: 35, note: '+ 14 × 2.5 MW temporary gas turbines [S] (date: assumption)' },
    { startDay: 90, gridMw: 50, generationMw: 35, note: '~50 MW of grid over the summer of 2024 [S] (date: assumption)' },
    { startDay: 100, gridMw: 50, generationMw: 87.5, note: '">35 turbines" reported [W] × 2.5 MW (date: assumption)' },
    { startDay: 188, gridMw: 150, generationMw: 87.5, note: 'TVA approved 150 MW in November 2024 [S] (date: assumption)' },
    {
      startDay: 280,
      gridMw: 150,
      generationMw: 87.5,
      batteryMw: 150,
      batteryMwh: 811,
      note: '150 MW of Megapacks, ~208 × 3.9 MWh [S]: a buffer, not supply (date: assumption)',
    },
    {
      startDay: 486,
      gridMw: 300,
      generationMw: 87.5,
      batteryMw: 150,
      batteryMwh: 811,
      note: 'second substation → 300 MW, planned Fall 2025 [S] (date: assumption)',
    },
  ],
  facilityWattsPerGpu: {
    'h100-sxm': provisionedWatts('h100-sxm'),
    'h200-sxm': provisionedWatts('h200-sxm'),
  },
};
