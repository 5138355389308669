import { findFabric } from '../catalog/fabrics.js';
import type { Fabric } from '../model/network/fabric.js';

/**
 * What a job's GPUs depend on, counted from the cluster's build: GPUs, hosts, NICs, PSUs, the
 * switches of every fabric tier the job spans, and the links (cable + two optics) between tiers.
 * Failure rates per component (presets.ts) times these counts give each cause's rate, so a job
 * spread over a 3-tier fabric fails as a 3-tier fabric does.
 *
 * Switch counts follow the folded Clos of `fabric.tiers`: `L_k` links enter tier k from below,
 * `L_0 = GPUs × NICs per GPU / oversubscription_0` and `L_k = L_{k-1} / oversubscription_k`
 * (tier k's ratio is the down:up ratio of the switches below it, fabric.ts). A tier-k switch with
 * `switchPorts` ports at the NIC's rate uses `ports × o/(1+o)` of them down (o = the tier above's
 * ratio), all of them at the top tier the job reaches; tier k has at least one switch per domain
 * (`tier.gpus`) the job touches, so 16-GPU racks under a 64-port ToR keep one ToR per rack.
 * A tier is used when the job is larger than one domain of the tier below (a 16k-GPU job inside
 * one 16,384-GPU Colossus pod never reaches the core).
 */

export interface InventorySpec {
  fabric: Fabric;
  /** Ports per switch ASIC at the NIC's line rate (SN5600: 128 × 400G). */
  switchPorts: number;
  /** Scale-out NICs per GPU (the training fabric's; front-end NICs are not counted). */
  nicsPerGpu: number;
  psusPerNode: number;
  gpusPerNode: number;
  /** Where the counts come from. */
  source: string;
}

export interface TierInventory {
  tier: string;
  /** Switches of this tier the job's traffic crosses. */
  switches: number;
  /** Links entering this tier from below (NIC → leaf for the first tier). */
  linksIn: number;
}

export interface Inventory {
  gpus: number;
  nodes: number;
  nics: number;
  psus: number;
  /** Tiers the job spans, from the leaf up. */
  tiers: TierInventory[];
  /** Leaf (first-tier) switches. */
  leafSwitches: number;
  /** Switches above the leaf. */
  fabricSwitches: number;
  /** NIC → leaf links. */
  hostLinks: number;
  /** Links between switch tiers. */
  fabricLinks: number;
  /** Transceivers: two per link (assumption: every link is optical; in-rack copper would have none). */
  optics: number;
  /** Nodes that lose their path when one leaf switch fails (its down ports, at most the job's). */
  nodesPerLeaf: number;
}

/** What a failure rate is counted per. */
export const COMPONENTS = ['gpu', 'rank', 'host', 'nic', 'psu', 'leaf-switch', 'fabric-switch', 'host-link', 'fabric-link'] as const;
export type Component = (typeof COMPONENTS)[number];

/** Switch radix (ports at the NIC's rate) by fabric preset, with its source. */
export const SWITCH_PORTS: Readonly<Record<string, { ports: number; source: string }>> = {
  'colossus-spectrum-x': { ports: 128, source: 'Spectrum SN5600: 64 × 800G = 128 × 400G ports (hardware-colossus.md §1.3 [P]/[S])' },
  'meta-llama3-24k-roce': {
    ports: 64,
    source: 'assumption: 64 × 400G per switch ASIC (Tomahawk-4 class; the Llama 3 paper §3.3.1 names Minipack2 and Arista 7800 switches, whose ASIC radix it does not give)',
  },
  'dgx-superpod-h100-ndr': { ports: 64, source: 'Quantum-2 QM9700: 64 × 400G NDR ports (NVIDIA DGX SuperPOD reference architecture)' },
  'gb200-nvl72': { ports: 144, source: 'assumption: Quantum-X800 class, 144 × 800G ports' },
};
export const DEFAULT_SWITCH_PORTS = 64;
export const DEFAULT_SWITCH_PORTS_SOURCE = 'assumption: 64-port switches (the default fabric\'s two-tier limit of 2,048 GPUs, catalog/fabrics.ts)';

/** PSUs per 8-GPU HGX server: Colossus's Supermicro 4U has 4 redundant PSUs [S] (hardware-colossus.md §1.2). */
export const DEFAULT_PSUS_PER_NODE = 4;
export const PSUS_SOURCE = 'Colossus Supermicro 4U HGX: 4 redundant PSUs per server [S] (hardware-colossus.md §1.2); assumption: Meta\'s Grand Teton the same';

/** An inventory spec for a fabric preset (or object) with the sourced defaults. */
export function inventorySpec(fabric: Fabric, gpusPerNode: number, o: { switchPorts?: number; nicsPerGpu?: number; psusPerNode?: number } = {}): InventorySpec {
  const base = SWITCH_PORTS[fabric.id.split(/[+@]/)[0] ?? fabric.id];
  const ports = o.switchPorts ?? base?.ports ?? DEFAULT_SWITCH_PORTS;
  const src = o.switchPorts !== undefined ? 'switch ports: the scenario' : `switch ports: ${base?.source ?? DEFAULT_SWITCH_PORTS_SOURCE}`;
  return {
    fabric,
    switchPorts: ports,
    nicsPerGpu: o.nicsPerGpu ?? 1,
    psusPerNode: o.psusPerNode ?? DEFAULT_PSUS_PER_NODE,
    gpusPerNode,
    source: `fabric ${fabric.id} (${fabric.source}); ${src}; NICs per GPU: ${o.nicsPerGpu ?? '1 (one scale-out NIC per GPU)'}; PSUs: ${o.psusPerNode ?? PSUS_SOURCE}`,
  };
}

/** Llama 3's 16,384-GPU job on Meta's 24k RoCE cluster: where the `llama3` preset's counts were observed. */
export function llama3ReferenceSpec(): InventorySpec {
  const fabric = findFabric('meta-llama3-24k-roce');
  if (!fabric) throw new Error('fabric preset meta-llama3-24k-roce is missing');
  return inventorySpec(fabric, 8);
}
export const LLAMA3_REFERENCE_GPUS = 16_384;

/** The components a job of `gpus` GPUs depends on. */
export function inventoryFor(gpus: number, spec: InventorySpec): Inventory {
  const nodes = gpus / spec.gpusPerNode;
  const tiers = spec.fabric.tiers;
  const used: number[] = [];
  for (let k = 0; k < tiers.length; k++) {
    const below = k === 0 ? spec.gpusPerNode : (tiers[k - 1]?.gpus ?? Infinity);
    if (k === 0 || gpus > below) used.push(k);
  }
  const out: TierInventory[] = [];
  let links = (gpus * spec.nicsPerGpu) / Math.max(1, tiers[0]?.oversubscription ?? 1);
  for (let i = 0; i < used.length; i++) {
    const k = used[i] as number;
    const t = tiers[k];
    if (!t) continue;
    if (i > 0) links /= Math.max(1, t.oversubscription);
    const top = i === used.length - 1;
    const o = top ? 0 : Math.max(1, tiers[k + 1]?.oversubscription ?? 1);
    const down = top ? spec.switchPorts : (spec.switchPorts * o) / (1 + o);
    const domains = Number.isFinite(t.gpus) ? Math.ceil(gpus / t.gpus) : 1;
    const switches = Math.max(Math.ceil(links / down), domains);
    out.push({ tier: t.name, switches, linksIn: links });
  }
  const leaf = out[0];
  const leafSwitches = leaf?.switches ?? 0;
  const hostLinks = leaf?.linksIn ?? 0;
  const fabricLinks = out.slice(1).reduce((a, t) => a + t.linksIn, 0);
  const leafDown = leafSwitches > 0 ? hostLinks / leafSwitches : 0;
  // A rail-optimised leaf reaches one NIC of each node of its group; otherwise its down ports' nodes.
  const nodesPerLeaf = Math.max(1, Math.min(nodes, Math.round(spec.fabric.rails ? leafDown : leafDown / (spec.gpusPerNode * spec.nicsPerGpu))));
  return {
    gpus,
    nodes,
    nics: gpus * spec.nicsPerGpu,
    psus: nodes * spec.psusPerNode,
    tiers: out,
    leafSwitches,
    fabricSwitches: out.slice(1).reduce((a, t) => a + t.switches, 0),
    hostLinks,
    fabricLinks,
    optics: 2 * (hostLinks + fabricLinks),
    nodesPerLeaf,
  };
}

/** How many of a component the inventory holds. */
export function componentCount(inv: Inventory, c: Component): number {
  switch (c) {
    case 'gpu':
    case 'rank':
      return inv.gpus;
    case 'host':
      return inv.nodes;
    case 'nic':
      return inv.nics;
    case 'psu':
      return inv.psus;
    case 'leaf-switch':
      return inv.leafSwitches;
    case 'fabric-switch':
      return inv.fabricSwitches;
    case 'host-link':
      return inv.hostLinks;
    case 'fabric-link':
      return inv.fabricLinks;
  }
}
