export * from './types.js';
export * from './parse.js';
export * from './ep-facts.js';
export * from './plan-codec.js';
