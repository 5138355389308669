import { FABRICS, findFabric } from '../catalog/fabrics.js';
import { checkKeys, closest, describeValue, readBoolean, readNumber, readObject, readString, report, type Path, type ReadContext } from '../core/index.js';
import type { Fabric, FabricTier } from '../model/network/fabric.js';

const FABRIC_KEYS = ['preset', 'name', 'gbpsPerGpu', 'rails', 'nvls', 'tiers', 'source'];
const TIER_KEYS = ['name', 'gpus', 'oversubscription', 'hopLatencyS', 'sharp'];
const FABRIC_IDS = FABRICS.map((f) => f.id);

/**
 * `system.fabric`: a preset id (catalog/fabrics.ts), or `{ preset?, tiers: [...], ... }` where
 * explicit fields override the preset's. Each tier: `{ name, gpus, oversubscription?,
 * hopLatencyS?, sharp? }`, domains growing upward; the last tier may leave `gpus` out (the
 * whole cluster). `gbpsPerGpu` defaults to the system's scale-out rate.
 */
export function readFabric(ctx: ReadContext, value: unknown, path: Path, gbpsPerGpu: number): Fabric | undefined {
  if (typeof value === 'string') {
    const f = findFabric(value);
    if (!f) {
      const guess = closest(value, FABRIC_IDS);
      report(ctx, path, `is not a fabric preset${guess ? ` (did you mean "${guess}"?)` : ''}`, { expected: `one of ${FABRIC_IDS.join(', ')} or a { tiers: [...] } object`, received: describeValue(value) });
    }
    return f;
  }
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, FABRIC_KEYS, path);
  const presetId = readString(ctx, o, 'preset', path);
  let base: Fabric | undefined;
  if (presetId !== undefined) {
    base = findFabric(presetId);
    if (!base) {
      const guess = closest(presetId, FABRIC_IDS);
      report(ctx, [...path, 'preset'], `is not a fabric preset${guess ? ` (did you mean "${guess}"?)` : ''}`, { expected: `one of ${FABRIC_IDS.join(', ')}`, received: describeValue(presetId) });
      return undefined;
    }
  }
  const rate = readNumber(ctx, o, 'gbpsPerGpu', path, { above: 0, max: 100_000 });
  const rails = readBoolean(ctx, o, 'rails', path);
  const nvls = readBoolean(ctx, o, 'nvls', path);
  const name = readString(ctx, o, 'name', path);
  const source = readString(ctx, o, 'source', path);
  let tiers: FabricTier[] | undefined = base ? [...base.tiers] : undefined;
  if (o['tiers'] !== undefined) tiers = readTiers(ctx, o['tiers'], [...path, 'tiers']);
  else if (!base) report(ctx, [...path, 'tiers'], 'is required without a preset', { expected: 'a list of { name, gpus, oversubscription?, hopLatencyS? } from the leaf up' });
  if (!tiers) return undefined;
  const f: Fabric = {
    id: base ? `${base.id}+custom` : 'custom',
    name: name ?? base?.name ?? 'custom fabric',
    gbpsPerGpu: rate ?? base?.gbpsPerGpu ?? gbpsPerGpu,
    rails: rails ?? base?.rails ?? true,
    tiers,
    source: source ?? base?.source ?? 'given in the spec',
  };
  const nv = nvls ?? base?.nvls;
  if (nv !== undefined) f.nvls = nv;
  if (base?.nvlinkDomain !== undefined) f.nvlinkDomain = base.nvlinkDomain;
  return f;
}

function readTiers(ctx: ReadContext, value: unknown, path: Path): FabricTier[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    report(ctx, path, 'has the wrong type', { expected: 'a non-empty list of tiers from the leaf up', received: describeValue(value) });
    return undefined;
  }
  const before = ctx.issues.length;
  const out: FabricTier[] = [];
  let prev = 0;
  value.forEach((v, i) => {
    const at = [...path, i];
    const o = readObject(ctx, v, at);
    if (!o) return;
    checkKeys(ctx, o, TIER_KEYS, at);
    const last = i === value.length - 1;
    const name = readString(ctx, o, 'name', at) ?? `tier${i + 1}`;
    const gpus = readNumber(ctx, o, 'gpus', at, { required: !last, integer: true, min: 2, max: 100_000_000 }) ?? (last ? Infinity : undefined);
    const over = readNumber(ctx, o, 'oversubscription', at, { min: 1, max: 64 }) ?? 1;
    const hop = readNumber(ctx, o, 'hopLatencyS', at, { min: 0, max: 0.01 }) ?? 1e-6;
    const sharp = readBoolean(ctx, o, 'sharp', at);
    if (gpus === undefined) return;
    if (gpus <= prev) report(ctx, [...at, 'gpus'], 'must grow from one tier to the next', { expected: `> ${prev}`, received: String(gpus) });
    prev = gpus;
    const t: FabricTier = { name, gpus, oversubscription: over, hopLatencyS: hop };
    if (sharp !== undefined) t.sharp = sharp;
    out.push(t);
  });
  if (out.length && (out[out.length - 1] as FabricTier).gpus !== Infinity) out.push({ name: 'cluster', gpus: Infinity, oversubscription: 1, hopLatencyS: (out[out.length - 1] as FabricTier).hopLatencyS });
  return ctx.issues.length === before ? out : undefined;
}

/** `oversubscription` alongside a fabric: it replaces the top tier's (above the pod). */
export function withTopOversubscription(f: Fabric, over: number): Fabric {
  const tiers = [...f.tiers];
  const top = tiers[tiers.length - 1];
  if (!top) return f;
  tiers[tiers.length - 1] = { ...top, oversubscription: over };
  return { ...f, id: `${f.id}@${over}:1`, tiers };
}
