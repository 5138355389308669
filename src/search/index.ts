export * from './types.js';
export * from './space.js';
export * from './objective.js';
export * from './search.js';
export * from './brute-force.js';
export * from './explain.js';
export * from './job-step-time.js';
