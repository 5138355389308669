import type { FailureCause } from './causes.js';
import { LLAMA3_REFERENCE_GPUS, componentCount, inventoryFor, llama3ReferenceSpec, type Component, type Inventory } from './inventory.js';

/**
 * Failure presets from `shared/data/reliability.md`. Every rate carries its source. Detection times
 * follow the detection column of §7 (XID/DCGM in seconds; NCCL errors and hangs wait for the
 * 10-minute watchdog). Repair (out-of-service) times are NOT published (§9): the values here are
 * stated assumptions, and they only matter when the spare pool runs dry.
 */

/** Llama 3 405B: 16,384 H100 × 54 days = 21,233,664 GPU-hours. */
export const LLAMA3_GPU_HOURS = 16_384 * 54 * 24;
export const LLAMA3_UNEXPECTED_INTERRUPTIONS = 419;
const LLAMA3_HOURS = 54 * 24;

/**
 * The components of Llama 3's 16,384-GPU job on Meta's RoCE cluster (inventory.ts): 2,048 hosts,
 * 16,384 NICs, 8,192 PSUs, 1,024 rack switches + 330 pod/aggregation switch ASICs, 16,384 NIC
 * links + 18,725 fabric links. Each row's count ÷ (its components × 54 days) is its rate per
 * component-hour [D]; on this inventory every rate is the paper's per GPU-hour again.
 */
export const LLAMA3_REFERENCE_INVENTORY: Inventory = inventoryFor(LLAMA3_REFERENCE_GPUS, llama3ReferenceSpec());

/**
 * Switch failures: 98% of 180,000 datacenter switches ran 3 months without a failure (Singh et al.,
 * "Surviving switch failures in cloud datacenters", SIGCOMM CCR 51(2), 2021 [S: abstract]) →
 * −ln(0.98) / 2,160 h = 9.35e-6 per switch-hour [D]. Counted per switch ASIC (assumption: a chassis
 * fails per line card).
 */
export const SWITCH_FAILURES_PER_HOUR = -Math.log(0.98) / (90 * 24);
const SWITCH_SOURCE = 'Singh et al., SIGCOMM CCR 2021: 98% of 180k switches without a failure in 3 months [S] → 9.35e-6 per switch-hour [D]';

/**
 * Llama 3's 35 "network switch/cable" interruptions split by component: the switches of the
 * reference inventory at the published switch rate, the rest over its links (cable + optics) [D]:
 * 35 − 9.35e-6 × 1,354 switches × 1,296 h = 18.6 over 35,109 links → 4.1e-7 per link-hour
 * (0.03% per link-month).
 */
const NETWORK_COUNT = 35;
const refSwitchEvents = SWITCH_FAILURES_PER_HOUR * (LLAMA3_REFERENCE_INVENTORY.leafSwitches + LLAMA3_REFERENCE_INVENTORY.fabricSwitches) * LLAMA3_HOURS;
export const LINK_FAILURES_PER_HOUR =
  (NETWORK_COUNT - refSwitchEvents) / ((LLAMA3_REFERENCE_INVENTORY.hostLinks + LLAMA3_REFERENCE_INVENTORY.fabricLinks) * LLAMA3_HOURS);
const LINK_SOURCE = `Llama 3's 35 network switch/cable interruptions [S] less the reference switches' expected ${refSwitchEvents.toFixed(1)} at the published switch rate, over its ${Math.round(LLAMA3_REFERENCE_INVENTORY.hostLinks + LLAMA3_REFERENCE_INVENTORY.fabricLinks)} links [D]`;

const LLAMA3_SOURCE = 'Llama 3 (arXiv 2407.21783 §3.3.4): count of 419 unexpected interruptions on 16,384 H100 over 54 days [S]; rate = count / 21,233,664 GPU-h [D]';
const REPAIR_ASSUMPTION = 'repair time: assumption (not published, reliability.md §9)';
const XID_DETECT = 'detection: XID/DCGM in seconds (reliability.md §5, §7)';
const WATCHDOG_DETECT = 'detection: NCCL watchdog default 10 min (PyTorch kProcessGroupNCCLDefaultTimeout) [P]';

interface Llama3Row {
  name: string;
  /** Interruptions in the paper's table (network rows: this row's share of the 35 switch/cable ones [D]). */
  count: number;
  /** What the row is a failure of (its rate is per this component). */
  component: Component;
  scope: FailureCause['scope'];
  detectS: number;
  repairHours: number;
  silent?: boolean;
  note: string;
}

/** The 35 switch/cable interruptions by component (their counts sum to 35; see LINK_FAILURES_PER_HOUR). */
function networkRows(): Llama3Row[] {
  const inv = LLAMA3_REFERENCE_INVENTORY;
  const sw = (n: number): number => SWITCH_FAILURES_PER_HOUR * n * LLAMA3_HOURS;
  const ln = (n: number): number => LINK_FAILURES_PER_HOUR * n * LLAMA3_HOURS;
  const reroute = 'scope job: the fabric routes around it (ECMP) and the job restarts on the same nodes (assumption)';
  return [
    { name: 'network-leaf-switch', count: sw(inv.leafSwitches), component: 'leaf-switch', scope: 'switch', detectS: 600, repairHours: 24, note: `${WATCHDOG_DETECT}; ${SWITCH_SOURCE}; evicts the nodes under the leaf` },
    { name: 'network-fabric-switch', count: sw(inv.fabricSwitches), component: 'fabric-switch', scope: 'job', detectS: 600, repairHours: 0, note: `${WATCHDOG_DETECT}; ${SWITCH_SOURCE}; ${reroute}` },
    { name: 'network-host-link', count: ln(inv.hostLinks), component: 'host-link', scope: 'node', detectS: 600, repairHours: 24, note: `${WATCHDOG_DETECT}; ${LINK_SOURCE}; evicts the node` },
    { name: 'network-fabric-link', count: ln(inv.fabricLinks), component: 'fabric-link', scope: 'job', detectS: 600, repairHours: 0, note: `${WATCHDOG_DETECT}; ${LINK_SOURCE}; ${reroute}` },
  ];
}

const LLAMA3_ROWS: readonly Llama3Row[] = [
  { name: 'faulty-gpu', count: 148, component: 'gpu', scope: 'node', detectS: 30, repairHours: 72, note: XID_DETECT },
  { name: 'gpu-hbm3', count: 72, component: 'gpu', scope: 'node', detectS: 30, repairHours: 72, note: `${XID_DETECT}; XID 48/63/64/94/95` },
  { name: 'software-bug', count: 54, component: 'rank', scope: 'job', detectS: 0, repairHours: 0, note: 'detection: immediate (reliability.md §7)' },
  ...networkRows(),
  { name: 'host-maintenance', count: 32, component: 'host', scope: 'node', detectS: 30, repairHours: 24, note: 'detection: host agent (reliability.md §7)' },
  { name: 'gpu-sram', count: 19, component: 'gpu', scope: 'node', detectS: 30, repairHours: 72, note: XID_DETECT },
  { name: 'gpu-gsp', count: 17, component: 'gpu', scope: 'node', detectS: 30, repairHours: 72, note: `${XID_DETECT}; XID 119/120` },
  { name: 'nic', count: 7, component: 'nic', scope: 'node', detectS: 600, repairHours: 24, note: WATCHDOG_DETECT },
  { name: 'nccl-watchdog-unknown', count: 7, component: 'rank', scope: 'job', detectS: 600, repairHours: 0, note: WATCHDOG_DETECT },
  {
    name: 'silent-data-corruption',
    count: 6,
    component: 'gpu',
    scope: 'node',
    detectS: 2 * 3600,
    repairHours: 72,
    silent: true,
    note:
      'detection: "hours to days" (reliability.md §7); 2 h is an assumption at the low end, consistent with Llama 3\'s >90% effective training time ' +
      '(12 h would cap it near 87%); rolls back to the last checkpoint before the fault',
  },
  { name: 'gpu-thermal', count: 6, component: 'gpu', scope: 'node', detectS: 30, repairHours: 24, note: XID_DETECT },
  { name: 'ssd', count: 3, component: 'host', scope: 'node', detectS: 30, repairHours: 24, note: 'detection: host agent' },
  { name: 'psu', count: 3, component: 'psu', scope: 'node', detectS: 30, repairHours: 24, note: 'detection: host agent' },
  { name: 'chassis', count: 2, component: 'host', scope: 'node', detectS: 30, repairHours: 72, note: 'detection: host agent' },
  { name: 'io-board', count: 2, component: 'host', scope: 'node', detectS: 30, repairHours: 72, note: 'detection: host agent' },
  { name: 'dependency', count: 2, component: 'rank', scope: 'job', detectS: 30, repairHours: 0, note: 'an external service; restart on the same nodes' },
  { name: 'cpu', count: 2, component: 'host', scope: 'node', detectS: 30, repairHours: 72, note: 'detection: host agent' },
  { name: 'dram', count: 2, component: 'host', scope: 'node', detectS: 30, repairHours: 24, note: 'detection: host agent' },
];

function llama3(): FailureCause[] {
  const inv = LLAMA3_REFERENCE_INVENTORY;
  return LLAMA3_ROWS.map((r) => {
    const perComponentHour = r.count / (componentCount(inv, r.component) * LLAMA3_HOURS);
    const c: FailureCause = {
      name: r.name,
      ratePerUnitHour: r.count / LLAMA3_GPU_HOURS,
      unit: 'gpu',
      scope: r.scope,
      detectS: r.detectS,
      repairHours: r.repairHours,
      silent: r.silent ?? false,
      source: `${LLAMA3_SOURCE}: ${Number.isInteger(r.count) ? r.count : r.count.toFixed(1)}; per ${r.component}: ${perComponentHour.toPrecision(3)}/h [D]; ${r.note}; ${REPAIR_ASSUMPTION}`,
      component: r.component,
      perComponentHour,
    };
    if (r.component === 'leaf-switch') c.evictNodes = inv.nodesPerLeaf;
    return c;
  });
}

function metaRsc(cluster: 'RSC-1' | 'RSC-2', perThousandNodeDays: number): FailureCause[] {
  return [
    {
      name: `all-failures-${cluster.toLowerCase()}`,
      ratePerUnitHour: perThousandNodeDays / 1000 / 24,
      unit: 'node',
      scope: 'node',
      detectS: 60,
      repairHours: 48,
      silent: false,
      source:
        `Kokolis et al. HPCA'25 (arXiv 2410.21680): r_f = ${perThousandNodeDays} per 1,000 node-days on ${cluster} (A100, 8 GPUs/node) [S]; ` +
        `detection 60 s and ${REPAIR_ASSUMPTION}`,
    },
  ];
}

export const PRESET_NAMES = ['llama3', 'meta-rsc1', 'meta-rsc2'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** A fresh copy of a preset's causes. */
export function presetCauses(name: PresetName): FailureCause[] {
  switch (name) {
    case 'llama3':
      return llama3();
    case 'meta-rsc1':
      return metaRsc('RSC-1', 6.5);
    case 'meta-rsc2':
      return metaRsc('RSC-2', 2.34);
  }
}
