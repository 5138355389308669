export * from './power-profile.js';
export * from './watts-per-gpu.js';
export * from './capital-cost.js';
export * from './capacity-point.js';
export * from './energy-over-timeline.js';
export * from './campaign-cost.js';
export * from './peak-gpus-by-type.js';
