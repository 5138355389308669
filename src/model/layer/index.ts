export * from './gemm-clock.js';
export * from './layer-plan.js';
export * from './attention.js';
export * from './layer-cost.js';
export * from './layer-comm.js';
export * from './layer-phase.js';
export * from './cp-comm.js';
