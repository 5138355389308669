export * from './result.js';
export * from './efficiency.js';
export * from './flops.js';
export * from './memory.js';
export * from './collectives.js';
export * from './evaluate.js';
export * from './estimate.js';
