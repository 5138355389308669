export * from './stages.js';
export * from './data-parallel.js';
export * from './optimizer.js';
export * from './step-memory.js';
export * from './step-phase.js';
export * from './assemble.js';
