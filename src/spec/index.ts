export * from './types.js';
export * from './parse.js';
export * from './spec-schema.js';
export { FabricSchema, type FabricInput } from './fabric.js';
export * from './ep-facts.js';
export * from './plan-codec.js';
