import type { Fabric } from './fabric.js';

/**
 * A fabric resolved for one system and one efficiency model, as flat tables the collective
 * algorithms read (NCCL's ncclTopoTuneModel does the same once per communicator). Level 0 is
 * the NVLink domain; level k ≥ 1 is switch tier k-1 of the fabric.
 */
export interface Topology {
  fabricId: string;
  /** Level names: 'nvlink', then the fabric's tiers. */
  names: readonly string[];
  /** GPUs in one domain of each level; the last is Infinity. */
  domainGpus: readonly number[];
  /**
   * Line rate per GPU for traffic leaving a domain of level k-1 (k ≥ 1), bytes/s: the NIC
   * divided by every oversubscription up to level k. Index 0: NVLink, per direction.
   */
  lineBps: readonly number[];
  /** Extra one-way switching latency of a message whose highest level is k, seconds. */
  hopLatencyS: readonly number[];
  /** In-network reduction on every tier up to level k. */
  sharpUpTo: readonly boolean[];
  nvls: boolean;
  rails: boolean;
  /** NIC line rate per GPU, bytes/s. */
  nicLineBps: number;
}

export function topologyOf(fabric: Fabric, nvlinkDomain: number, nvlinkGBps: number): Topology {
  const names = ['nvlink'];
  const domainGpus = [nvlinkDomain];
  const nic = (fabric.gbpsPerGpu * 1e9) / 8;
  const lineBps = [nvlinkGBps * 1e9];
  const hop = [0];
  const sharp = [false];
  let over = 1;
  let lat = 0;
  let sharpAll = true;
  for (const t of fabric.tiers) {
    over *= t.oversubscription;
    lat += t.hopLatencyS;
    sharpAll = sharpAll && t.sharp === true;
    names.push(t.name);
    // A tier no larger than the level below (e.g. an NVL72 rack under a 16-GPU "rack" tier)
    // still separates nothing: keep the domains non-decreasing.
    domainGpus.push(Math.max(t.gpus, domainGpus[domainGpus.length - 1] as number));
    lineBps.push(nic / over);
    hop.push(lat);
    sharp.push(sharpAll);
  }
  if (domainGpus[domainGpus.length - 1] !== Infinity) {
    names.push('cluster');
    domainGpus.push(Infinity);
    lineBps.push(nic / over);
    hop.push(lat);
    sharp.push(false);
  }
  return { fabricId: fabric.id, names, domainGpus, lineBps, hopLatencyS: hop, sharpUpTo: sharp, nvls: fabric.nvls === true, rails: fabric.rails, nicLineBps: nic };
}
