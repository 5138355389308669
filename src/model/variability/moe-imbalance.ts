import { expectedMaxNormal } from './normal.js';

/**
 * How a MoE router keeps expert loads even:
 * - `aux-loss`: an auxiliary balance loss (GShard/Switch; Mixtral, Grok-1, Qwen3 — the default);
 * - `loss-free`: per-expert routing biases (DeepSeek-V3's auxiliary-loss-free balancing);
 * - `balanced`: routing forced even (Megatron-Core `moe_router_force_load_balancing`, used in
 *   performance benchmarks) — the old "balanced routing" bound.
 */
export type MoeBalancer = 'aux-loss' | 'loss-free' | 'balanced';

/**
 * Expert-load imbalance measured by Wang et al., "Auxiliary-Loss-Free Load Balancing Strategy
 * for Mixture-of-Experts" (arXiv 2408.15664), as MaxVio = max expert load ÷ mean − 1 over the
 * whole validation set, for their 1B and 3B models of 64 routed experts: auxiliary loss 0.72 and
 * 0.52, loss-free 0.04 and 0.04 (Table 2). Read as a per-expert spread σ_e = MaxVio/E[max of 64].
 */
const MAX_VIO: Record<Exclude<MoeBalancer, 'balanced'>, number> = { 'aux-loss': (0.72 + 0.52) / 2, 'loss-free': 0.04 };
const REFERENCE_EXPERTS = 64;

export function expertLoadSd(balancer: MoeBalancer): number {
  return balancer === 'balanced' ? 0 : MAX_VIO[balancer] / expectedMaxNormal(REFERENCE_EXPERTS);
}

/**
 * Load of the busiest expert-parallel rank ÷ the mean, for one micro-batch. A rank holds
 * experts/ep experts, so its persistent spread is σ_e/√(experts/ep); on top, the routed copies
 * it receives are a sample of `copiesPerRank`, Poisson-spread by 1/√copies. The busiest of `ep`
 * ranks is E[max of ep] of those spreads above the mean. Dropless routing runs that load;
 * a capacity factor caps it (the excess tokens are dropped, GShard/Switch).
 */
export function moeLoadFactor(balancer: MoeBalancer, experts: number, ep: number, copiesPerRank: number, capacityFactor?: number): number {
  if (balancer === 'balanced' || ep <= 1) return 1;
  const se = expertLoadSd(balancer);
  const perRank = experts / ep;
  const sd = Math.sqrt((se * se) / perRank + (copiesPerRank > 0 ? 1 / copiesPerRank : 0));
  const f = 1 + sd * expectedMaxNormal(ep);
  return capacityFactor !== undefined && capacityFactor < f ? Math.max(1, capacityFactor) : f;
}
