import * as v from 'valibot';
import { FABRICS, findFabric } from '../catalog/fabrics.js';
import { closest, describeValue, report, type Path, type ReadContext } from '../core/index.js';
import { bool, doc, list, num, obj, optional, says, str } from '../core/schema.js';
import type { Fabric, FabricTier } from '../model/network/fabric.js';

const FABRIC_IDS = FABRICS.map((f) => f.id);
const TIERS = 'a non-empty list of tiers from the leaf up';

/** One switch tier of an explicit fabric, domains growing upward. */
export const FabricTierSchema = obj({
  name: optional(str()),
  gpus: optional(doc(num({ integer: true, min: 2, max: 100_000_000 }), 'GPUs under one switch of this tier; the last tier may leave it out (the whole cluster).')),
  oversubscription: optional(num({ min: 1, max: 64 }), 1),
  hopLatencyS: optional(num({ min: 0, max: 0.01 }), 1e-6),
  sharp: optional(doc(bool(), 'In-network reduction (SHARP) on this tier.')),
});

/** `system.fabric` as an object: a preset's fields overridden, or explicit tiers. */
export const FabricObjectSchema = obj({
  preset: optional(doc(str(), `A fabric preset to start from: ${FABRIC_IDS.join(', ')}.`)),
  name: optional(str()),
  gbpsPerGpu: optional(doc(num({ above: 0, max: 100_000 }), "Scale-out Gb/s per GPU; default: the system's scaleOutGbpsPerGpu.")),
  rails: optional(bool()),
  nvls: optional(bool()),
  tiers: optional(doc(v.pipe(list(FabricTierSchema, TIERS), v.minLength(1, says('has the wrong type', TIERS))), 'Switch tiers from the leaf up (required without a preset).')),
  source: optional(str()),
});

const FABRIC = `one of ${FABRIC_IDS.join(', ')} or a { tiers: [...] } object`;

/** `system.fabric`: a preset id (catalog/fabrics.ts) or an object. */
export const FabricSchema = doc(v.union([str(), FabricObjectSchema], FABRIC), `The scale-out fabric: a preset id (${FABRIC_IDS.join(', ')}) or { preset?, tiers: [...] }.`);
export type FabricInput = v.InferOutput<typeof FabricSchema>;

/**
 * A fabric from its checked value: a preset id (catalog/fabrics.ts), or `{ preset?, tiers: [...], ... }`
 * where explicit fields override the preset's. The last tier may leave `gpus` out (the whole
 * cluster). `gbpsPerGpu` defaults to the system's scale-out rate.
 */
export function fabricFrom(ctx: ReadContext, given: FabricInput, path: Path, gbpsPerGpu: number): Fabric | undefined {
  if (typeof given === 'string') {
    const f = findFabric(given);
    if (!f) {
      const guess = closest(given, FABRIC_IDS);
      report(ctx, path, `is not a fabric preset${guess ? ` (did you mean "${guess}"?)` : ''}`, { expected: FABRIC, received: describeValue(given) });
    }
    return f;
  }
  let base: Fabric | undefined;
  if (given.preset !== undefined) {
    base = findFabric(given.preset);
    if (!base) {
      const guess = closest(given.preset, FABRIC_IDS);
      report(ctx, [...path, 'preset'], `is not a fabric preset${guess ? ` (did you mean "${guess}"?)` : ''}`, { expected: `one of ${FABRIC_IDS.join(', ')}`, received: describeValue(given.preset) });
      return undefined;
    }
  }
  let tiers: FabricTier[] | undefined = base ? [...base.tiers] : undefined;
  if (given.tiers !== undefined) tiers = tiersFrom(ctx, given.tiers, [...path, 'tiers']);
  else if (!base) report(ctx, [...path, 'tiers'], 'is required without a preset', { expected: 'a list of { name, gpus, oversubscription?, hopLatencyS? } from the leaf up' });
  if (!tiers) return undefined;
  const f: Fabric = {
    id: base ? `${base.id}+custom` : 'custom',
    name: given.name ?? base?.name ?? 'custom fabric',
    gbpsPerGpu: given.gbpsPerGpu ?? base?.gbpsPerGpu ?? gbpsPerGpu,
    rails: given.rails ?? base?.rails ?? true,
    tiers,
    source: given.source ?? base?.source ?? 'given in the spec',
  };
  const nv = given.nvls ?? base?.nvls;
  if (nv !== undefined) f.nvls = nv;
  if (base?.nvlinkDomain !== undefined) f.nvlinkDomain = base.nvlinkDomain;
  return f;
}

function tiersFrom(ctx: ReadContext, given: v.InferOutput<typeof FabricTierSchema>[], path: Path): FabricTier[] | undefined {
  const before = ctx.issues.length;
  const out: FabricTier[] = [];
  let prev = 0;
  given.forEach((o, i) => {
    const at = [...path, i];
    const last = i === given.length - 1;
    if (o.gpus === undefined && !last) {
      report(ctx, [...at, 'gpus'], 'is required', { expected: 'an integer >= 2 and <= 100000000' });
      return;
    }
    const gpus = o.gpus ?? Infinity;
    if (gpus <= prev) report(ctx, [...at, 'gpus'], 'must grow from one tier to the next', { expected: `> ${prev}`, received: String(gpus) });
    prev = gpus;
    const t: FabricTier = { name: o.name ?? `tier${i + 1}`, gpus, oversubscription: o.oversubscription, hopLatencyS: o.hopLatencyS };
    if (o.sharp !== undefined) t.sharp = o.sharp;
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
