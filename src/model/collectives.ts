/**
 * The collective-cost seam the layer and step phases call: reduce-scatter, all-reduce,
 * all-to-all, point-to-point and MoE dispatch on the fabric's tiers. The implementation lives
 * in network/ (topology, placement, one file per algorithm, NCCL-like choice).
 */
export { allReduceS, allToAllS, dispatchS, fabricOf, localMembers, networkOf, p2pS, reduceScatterS, routeOf, sendRecvS } from './network/network.js';
export type { GroupRoute, Network } from './network/network.js';
