export * from './formats.js';
export * from './to-json-schema.js';
