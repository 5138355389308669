// The simulator's public API (pure: no I/O). Worker threads live in ./node/, outside this index.
export * from './rng.js';
export * from './heap.js';
export * from './causes.js';
export * from './presets.js';
export * from './checkpoint.js';
export * from './closed-form.js';
export * from './job.js';
export * from './engine.js';
export * from './replicate.js';
export * from './stats.js';
export * from './scenario.js';
export * from './summary.js';
export * from './optimize.js';
export * from './spares.js';
export * from './storage.js';
export * from './restart.js';
export * from './scenario-schema.js';
