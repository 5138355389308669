export * from './types.js';
export * from './replicas.js';
export * from './pipeline.js';
export * from './search-mixed.js';
export * from './search-fleet.js';
