export * from './normal.js';
export * from './stragglers.js';
export * from './moe-imbalance.js';
