export * from './fabric.js';
export * from './topology.js';
export * from './placement.js';
export * from './algorithm.js';
export * from './choose.js';
export * from './overlap.js';
export * from './network.js';
