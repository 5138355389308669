export * from './attention-kernels.js';
export * from './fp8-recipes.js';
export * from './registry.js';
export * from './stack.js';
export * from './resolve.js';
