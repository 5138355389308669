import { colossusNetworkWattsPerGpu, SPECTRUM_X_POWER } from './network-power.js';

/**
 * Electrical model of one GPU in its server and its share of the facility. Every default
 * number carries its source in `sources` (hardware-colossus.md / catalog.json, `[D]` derived,
 * or `assumption`); a test checks that none is unsourced.
 */
export interface GpuPowerProfile {
  /** Board power at full load, W. */
  gpuTdpW: number;
  /** Board power when idle, W. */
  gpuIdleW: number;
  /** The rest of the server per GPU (CPUs, memory, NICs, fans/pumps, PSU losses), W; load-independent. */
  nodeOverheadWPerGpu: number;
  /** Scale-out switches and optics per GPU, W (load-independent; storage not counted). */
  networkWPerGpu: number;
  /** Power usage effectiveness: facility power / IT power. */
  pue: number;
  sources: Record<Exclude<keyof GpuPowerProfile, 'sources'>, string>;
}

const hgxNodeOverhead =
  '[D] DGX H100 typical 6.5–8.5 kW per 8-GPU server (hardware-colossus.md §3.1, catalog nodes) → 7.5 kW / 8 ' +
  '= 937.5 W per GPU at training load, minus ~600 W GPU draw ≈ 340 W, rounded to 350 W (typical, not the air-cooled 10.2 kW maximum: ' +
  'that would be 575 W, SemiAnalysis\'s CPU/NIC/PSU share [S]); assumption for non-Hopper';
const NETWORK_W = colossusNetworkWattsPerGpu();
const networkShare =
  `[D] Colossus's 3-tier Spectrum-X fabric at 100k GPUs (src/energy/network-power.ts): ${NETWORK_W.toFixed(0)} W per GPU from 0.039 SN5600 per GPU × ` +
  `${SPECTRUM_X_POWER.switchW} W and 3 links × 2 transceivers (9 / 8.5 W); cross-check: SemiAnalysis's "other IT ~10%" of (700 + 575) W = 128 W [S] (network and storage); assumption for other GPUs' fabrics`;
const pueAssumption = 'assumption: direct-to-chip liquid cooling with rear-door heat exchangers (hardware-colossus.md §1.2) → PUE 1.2';

/** Power profiles by catalog GPU id. */
export const defaultPowerProfiles: Readonly<Record<string, GpuPowerProfile>> = {
  'h100-sxm': {
    gpuTdpW: 700,
    gpuIdleW: 70,
    nodeOverheadWPerGpu: 350,
    networkWPerGpu: NETWORK_W,
    pue: 1.2,
    sources: {
      gpuTdpW: '[S] H100 SXM5 700 W (hardware-colossus.md §3, glennklockwood H100 page)',
      gpuIdleW: 'assumption: 10% of TDP',
      nodeOverheadWPerGpu: hgxNodeOverhead,
      networkWPerGpu: networkShare,
      pue: pueAssumption,
    },
  },
  'h200-sxm': {
    gpuTdpW: 700,
    gpuIdleW: 70,
    nodeOverheadWPerGpu: 350,
    networkWPerGpu: NETWORK_W,
    pue: 1.2,
    sources: {
      gpuTdpW: '[P] MLPerf H200-SXM system JSON "H200 TGP 700W" (hardware-colossus.md §3)',
      gpuIdleW: 'assumption: 10% of TDP',
      nodeOverheadWPerGpu: `${hgxNodeOverhead}; assumption: same HGX server as H100`,
      networkWPerGpu: networkShare,
      pue: pueAssumption,
    },
  },
  b200: {
    gpuTdpW: 1000,
    gpuIdleW: 100,
    nodeOverheadWPerGpu: 350,
    networkWPerGpu: NETWORK_W,
    pue: 1.2,
    sources: {
      gpuTdpW: '[S] HGX B200 1000 W (hardware-colossus.md §3, glennklockwood B200 page)',
      gpuIdleW: 'assumption: 10% of TDP',
      nodeOverheadWPerGpu: 'assumption: as HGX H100',
      networkWPerGpu: networkShare,
      pue: pueAssumption,
    },
  },
  gb200: {
    gpuTdpW: 1200,
    gpuIdleW: 120,
    nodeOverheadWPerGpu: 350,
    networkWPerGpu: NETWORK_W,
    pue: 1.2,
    sources: {
      gpuTdpW: '[S] GB200 1200 W per GPU (hardware-colossus.md §3)',
      gpuIdleW: 'assumption: 10% of TDP',
      nodeOverheadWPerGpu: 'assumption: as HGX H100 (Grace CPU share, NVLink switches)',
      networkWPerGpu: networkShare,
      pue: pueAssumption,
    },
  },
};

/** Average GPU power utilisation while training (0 = idle, 1 = TDP). */
export const defaultPowerUtilisation = 0.85;
export const defaultPowerUtilisationSource =
  'assumption: large training jobs hold GPUs near TDP; 0.85 of the idle→TDP span on average';
