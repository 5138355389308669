import type { FailureCause } from './causes.js';

/**
 * Failure presets from `shared/data/reliability.md`. Every rate carries its source. Detection times
 * follow the detection column of §7 (XID/DCGM in seconds; NCCL errors and hangs wait for the
 * 10-minute watchdog). Repair (out-of-service) times are NOT published (§9): the values here are
 * stated assumptions, and they only matter when the spare pool runs dry.
 */

/** Llama 3 405B: 16,384 H100 × 54 days = 21,233,664 GPU-hours. */
export const LLAMA3_GPU_HOURS = 16_384 * 54 * 24;
export const LLAMA3_UNEXPECTED_INTERRUPTIONS = 419;

const LLAMA3_SOURCE = 'Llama 3 (arXiv 2407.21783 §3.3.4): count of 419 unexpected interruptions on 16,384 H100 over 54 days [S]; rate = count / 21,233,664 GPU-h [D]';
const REPAIR_ASSUMPTION = 'repair time: assumption (not published, reliability.md §9)';
const XID_DETECT = 'detection: XID/DCGM in seconds (reliability.md §5, §7)';
const WATCHDOG_DETECT = 'detection: NCCL watchdog default 10 min (PyTorch kProcessGroupNCCLDefaultTimeout) [P]';

interface Llama3Row {
  name: string;
  count: number;
  scope: FailureCause['scope'];
  detectS: number;
  repairHours: number;
  silent?: boolean;
  note: string;
}

const LLAMA3_ROWS: readonly Llama3Row[] = [
  { name: 'faulty-gpu', count: 148, scope: 'node', detectS: 30, repairHours: 72, note: XID_DETECT },
  { name: 'gpu-hbm3', count: 72, scope: 'node', detectS: 30, repairHours: 72, note: `${XID_DETECT}; XID 48/63/64/94/95` },
  { name: 'software-bug', count: 54, scope: 'job', detectS: 0, repairHours: 0, note: 'detection: immediate (reliability.md §7)' },
  { name: 'network-switch-cable', count: 35, scope: 'node', detectS: 600, repairHours: 24, note: WATCHDOG_DETECT },
  { name: 'host-maintenance', count: 32, scope: 'node', detectS: 30, repairHours: 24, note: 'detection: host agent (reliability.md §7)' },
  { name: 'gpu-sram', count: 19, scope: 'node', detectS: 30, repairHours: 72, note: XID_DETECT },
  { name: 'gpu-gsp', count: 17, scope: 'node', detectS: 30, repairHours: 72, note: `${XID_DETECT}; XID 119/120` },
  { name: 'nic', count: 7, scope: 'node', detectS: 600, repairHours: 24, note: WATCHDOG_DETECT },
  { name: 'nccl-watchdog-unknown', count: 7, scope: 'job', detectS: 600, repairHours: 0, note: WATCHDOG_DETECT },
  {
    name: 'silent-data-corruption',
    count: 6,
    scope: 'node',
    detectS: 2 * 3600,
    repairHours: 72,
    silent: true,
    note:
      'detection: "hours to days" (reliability.md §7); 2 h is an assumption at the low end, consistent with Llama 3\'s >90% effective training time ' +
      '(12 h would cap it near 87%); rolls back to the last checkpoint before the fault',
  },
  { name: 'gpu-thermal', count: 6, scope: 'node', detectS: 30, repairHours: 24, note: XID_DETECT },
  { name: 'ssd', count: 3, scope: 'node', detectS: 30, repairHours: 24, note: 'detection: host agent' },
  { name: 'psu', count: 3, scope: 'node', detectS: 30, repairHours: 24, note: 'detection: host agent' },
  { name: 'chassis', count: 2, scope: 'node', detectS: 30, repairHours: 72, note: 'detection: host agent' },
  { name: 'io-board', count: 2, scope: 'node', detectS: 30, repairHours: 72, note: 'detection: host agent' },
  { name: 'dependency', count: 2, scope: 'job', detectS: 30, repairHours: 0, note: 'an external service; restart on the same nodes' },
  { name: 'cpu', count: 2, scope: 'node', detectS: 30, repairHours: 72, note: 'detection: host agent' },
  { name: 'dram', count: 2, scope: 'node', detectS: 30, repairHours: 24, note: 'detection: host agent' },
];

function llama3(): FailureCause[] {
  return LLAMA3_ROWS.map((r) => ({
    name: r.name,
    ratePerUnitHour: r.count / LLAMA3_GPU_HOURS,
    unit: 'gpu',
    scope: r.scope,
    detectS: r.detectS,
    repairHours: r.repairHours,
    silent: r.silent ?? false,
    source: `${LLAMA3_SOURCE}: ${r.count}; ${r.note}; ${REPAIR_ASSUMPTION}`,
  }));
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
