/** Capital cost per GPU bought, USD. Every default carries its source in `sources`. */
export interface GpuCapitalCost {
  gpuUsd: number;
  /** The rest of the server (board, CPUs, memory, chassis, integration) per GPU. */
  serverUsdPerGpu: number;
  /** NICs, optics and the GPU's share of the switch fabric. */
  networkUsdPerGpu: number;
  sources: Record<Exclude<keyof GpuCapitalCost, 'sources'>, string>;
}

const networkAssumption =
  'assumption: 400G NIC + optics + share of a 3-tier switch fabric (hardware-colossus.md §1.3) ≈ $4,000 per GPU';
const serverDerived =
  '[D] DGX H100 est. sale $270,000 (SemiAnalysis via Epoch, catalog supply.price) − 8 × $27,500 GPUs = $50,000 / 8';

export const defaultCapitalCosts: Readonly<Record<string, GpuCapitalCost>> = {
  'h100-sxm': {
    gpuUsd: 27_500,
    serverUsdPerGpu: 6_250,
    networkUsdPerGpu: 4_000,
    sources: {
      gpuUsd: '[S] midpoint of $25,000–30,000 (Raymond James via TechSpot; hardware-colossus.md §4.3)',
      serverUsdPerGpu: serverDerived,
      networkUsdPerGpu: networkAssumption,
    },
  },
  'h200-sxm': {
    gpuUsd: 32_000,
    serverUsdPerGpu: 6_250,
    networkUsdPerGpu: 4_000,
    sources: {
      gpuUsd: '[W] HF hardware page MSRP $32,000 (hardware-colossus.md §3)',
      serverUsdPerGpu: `${serverDerived}; assumption: same HGX server as H100`,
      networkUsdPerGpu: networkAssumption,
    },
  },
  b200: {
    gpuUsd: 35_000,
    serverUsdPerGpu: 6_250,
    networkUsdPerGpu: 4_000,
    sources: {
      gpuUsd: '[S] midpoint of $30,000–40,000 per Blackwell GPU (CNBC; hardware-colossus.md §4.3)',
      serverUsdPerGpu: 'assumption: as HGX H100',
      networkUsdPerGpu: networkAssumption,
    },
  },
  gb200: {
    gpuUsd: 35_000,
    serverUsdPerGpu: 6_250,
    networkUsdPerGpu: 4_000,
    sources: {
      gpuUsd: '[S] midpoint of $30,000–40,000 per Blackwell GPU (CNBC; hardware-colossus.md §4.3)',
      serverUsdPerGpu: 'assumption: as HGX H100 (NVL72 rack ~$2–3M [W] suggests more)',
      networkUsdPerGpu: networkAssumption,
    },
  },
};

/** Electricity price, USD per kWh. */
export const defaultUsdPerKwh = 0.078;
export const defaultUsdPerKwhSource = '[S] SemiAnalysis 100k-H100 power model: $123.9M/yr @ $0.078/kWh (hardware-colossus.md §1.4)';

/** Years over which capital is written off when charging it to a campaign. */
export const defaultAmortizationYears = 4;
export const defaultAmortizationYearsSource = 'assumption: 4-year straight-line depreciation of GPU servers';
