import type { Fabric } from '../model/network/fabric.js';

/*
 * Fabric presets. Switch latencies: Spectrum-4 ~0.6 µs, Quantum-2 NDR ~0.13 µs port to port,
 * plus ~5 ns/m of fibre; a hop up and back down is counted once per tier [D, rounded up].
 */
const SPECTRUM_HOP_S = 1.5e-6;
const QUANTUM2_HOP_S = 0.5e-6;
const TOMAHAWK_HOP_S = 1.5e-6;

export const FABRICS: readonly Fabric[] = [
  {
    id: 'colossus-spectrum-x',
    name: 'xAI Colossus: NVIDIA Spectrum-X Ethernet, 3 tiers, 400G per GPU, rail-optimised',
    gbpsPerGpu: 400,
    rails: true,
    nvls: true,
    tiers: [
      { name: 'leaf', gpus: 512, oversubscription: 1, hopLatencyS: SPECTRUM_HOP_S },
      { name: 'spine', gpus: 16_384, oversubscription: 1, hopLatencyS: SPECTRUM_HOP_S },
      { name: 'core', gpus: Infinity, oversubscription: 1, hopLatencyS: SPECTRUM_HOP_S },
    ],
    source:
      'NVIDIA press release 2024-10-28 (Spectrum-X, one RDMA fabric, BlueField-3 400G per GPU); ServeTheHome tour: ' +
      '512-GPU arrays (8 racks x 64 GPUs). Leaf = one array per rail group of 64 SN5600 400G ports down [D]; ' +
      'pod 16,384 GPUs = 32 arrays under a 64x800G spine [D]; core non-blocking [A: oversubscription not public].',
  },
  {
    id: 'meta-llama3-24k-roce',
    name: "Meta's Llama 3 cluster: 24,576 H100, RoCE, 3-layer Clos, 1:7 above the pod",
    gbpsPerGpu: 400,
    rails: false,
    tiers: [
      { name: 'rack', gpus: 16, oversubscription: 1, hopLatencyS: TOMAHAWK_HOP_S },
      { name: 'pod', gpus: 3072, oversubscription: 1, hopLatencyS: TOMAHAWK_HOP_S },
      { name: 'aggregation', gpus: Infinity, oversubscription: 7, hopLatencyS: TOMAHAWK_HOP_S },
    ],
    source:
      'Llama 3 paper (arXiv 2407.21783) §3.3.1: 16 GPUs per rack under one ToR, 192 racks per 3,072-GPU pod with ' +
      'full bisection, 8 pods joined at 1:7 oversubscription; Gangidi et al., SIGCOMM 2024 (RTSW/CTSW/ATSW, AI zones).',
  },
  {
    id: 'dgx-superpod-h100-ndr',
    name: 'NVIDIA DGX SuperPOD (H100): InfiniBand NDR rail-optimised fat-tree with SHARP',
    gbpsPerGpu: 400,
    rails: true,
    nvls: true,
    tiers: [
      { name: 'leaf', gpus: 256, oversubscription: 1, hopLatencyS: QUANTUM2_HOP_S, sharp: true },
      { name: 'spine', gpus: 2048, oversubscription: 1, hopLatencyS: QUANTUM2_HOP_S, sharp: true },
      { name: 'core', gpus: Infinity, oversubscription: 1, hopLatencyS: QUANTUM2_HOP_S, sharp: true },
    ],
    source:
      'NVIDIA DGX SuperPOD reference architecture (DGX H100): 32-node scalable units, 8 rails of QM9700 NDR ' +
      '(64 ports) leaves; 2-tier limit 64²/2 = 2,048 GPUs, a core tier above [D]; SHARPv3 in Quantum-2.',
  },
  {
    id: 'gb200-nvl72',
    name: 'GB200 NVL72 racks (72-GPU NVLink domain), 800G per GPU scale-out, rail-optimised',
    gbpsPerGpu: 800,
    rails: true,
    nvlinkDomain: 72,
    nvls: true,
    tiers: [
      { name: 'leaf', gpus: 576, oversubscription: 1, hopLatencyS: QUANTUM2_HOP_S },
      { name: 'spine', gpus: 18_432, oversubscription: 1, hopLatencyS: QUANTUM2_HOP_S },
      { name: 'core', gpus: Infinity, oversubscription: 1, hopLatencyS: QUANTUM2_HOP_S },
    ],
    source:
      'NVIDIA GB200 NVL72: 72 GPUs per NVLink domain (1.8 TB/s per GPU, NVLink 5); ConnectX-8 800G per GPU ' +
      '(GB300) / 400G (GB200 CX7) — 800G here [A]; leaf = 8 racks, spine pod = 256 racks [D].',
  },
];

export function findFabric(id: string): Fabric | undefined {
  return FABRICS.find((f) => f.id === id);
}

/**
 * The fabric assumed when a spec names none: a non-blocking rail-optimised fat-tree with
 * 256-GPU leaf groups and 2,048-GPU pods (the 64-port two-tier limit), a core tier above, and
 * the spec's single `oversubscription` applied above the pod (its documented meaning).
 */
export function defaultFabric(gbpsPerGpu: number, oversubscription: number): Fabric {
  return {
    id: 'generic-fat-tree',
    name: 'generic rail-optimised 3-tier fat-tree',
    gbpsPerGpu,
    rails: true,
    tiers: [
      { name: 'leaf', gpus: 256, oversubscription: 1, hopLatencyS: QUANTUM2_HOP_S },
      { name: 'spine', gpus: 2048, oversubscription: 1, hopLatencyS: QUANTUM2_HOP_S },
      { name: 'core', gpus: Infinity, oversubscription, hopLatencyS: QUANTUM2_HOP_S },
    ],
    source: 'defaults [A]: 32 nodes of 8 per leaf group, 64-port two-tier limit (2,048 GPUs) per pod, shorthand oversubscription above the pod',
  };
}
