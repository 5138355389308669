export * from './cases.js';
export * from './harness.js';
export * from './loso.js';
