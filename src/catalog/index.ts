export * from './gpu.js';
export * from './gpus.js';
export * from './models.js';
export * from './slower.js';
