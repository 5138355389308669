import { findFabric } from '../catalog/fabrics.js';
import { inventoryFor, inventorySpec, type Inventory } from '../sim/inventory.js';

/**
 * Power of the scale-out fabric per GPU, from its components (the failure model's inventory,
 * src/sim/inventory.ts): switches × system power + every link's two transceivers.
 */
export interface NetworkPowerSpec {
  /** One switch without its optics, W. */
  switchW: number;
  /** A switch-side transceiver per 400G link, W. */
  switchOpticW: number;
  /** The NIC-side transceiver of a host link, W. */
  nicOpticW: number;
  sources: Record<'switchW' | 'switchOpticW' | 'nicOpticW', string>;
}

export const SPECTRUM_X_POWER: NetworkPowerSpec = {
  // The SN5600 runs on dual (1+1) 3 kW PSUs and budgets 18 W per OSFP port [P]: what one PSU can
  // feed besides 64 fully loaded ports bounds the system at 3,000 − 64 × 18 = 1,848 W [D].
  switchW: 3000 - 64 * 18,
  switchOpticW: 17 / 2,
  nicOpticW: 9,
  sources: {
    switchW: '[D] SN5600 "Dual 3KW PSU", 18 W per port (docs.nvidia.com/networking/display/sn5000/data+interfaces [P]): 3,000 − 64 × 18 = 1,848 W without optics (an upper bound)',
    switchOpticW: '[P] NVIDIA twin-port 2×400G OSFP transceiver 17 W (docs.nvidia.com/networking/display/800gmms4x00nst/overview) → 8.5 W per 400G link',
    nicOpticW: '[P] the 400G OSFP/QSFP112 transceiver at the ConnectX-7/BlueField-3 end: 9 W (same page)',
  },
};

/** Fabric watts per GPU of a job (or cluster) holding `inv`. */
export function networkWattsPerGpu(inv: Inventory, p: NetworkPowerSpec = SPECTRUM_X_POWER): number {
  if (!(inv.gpus > 0)) return 0;
  const switches = (inv.leafSwitches + inv.fabricSwitches) * p.switchW;
  const optics = inv.hostLinks * (p.nicOpticW + p.switchOpticW) + inv.fabricLinks * 2 * p.switchOpticW;
  return (switches + optics) / inv.gpus;
}

/** Colossus's fabric (3-tier Spectrum-X, SN5600) at 100,000 GPUs: ≈ 124 W per GPU. */
export function colossusNetworkWattsPerGpu(): number {
  const fabric = findFabric('colossus-spectrum-x');
  if (!fabric) throw new Error('fabric preset colossus-spectrum-x is missing');
  return networkWattsPerGpu(inventoryFor(100_000, inventorySpec(fabric, 8)));
}
