export * from './schedule.js';
export * from './one-f-one-b.js';
export * from './interleaved.js';
export * from './zero-bubble.js';
export * from './dualpipe.js';
export * from './registry.js';
export * from './reference-sim.js';
export * from './explain.js';
