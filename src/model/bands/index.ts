export * from './bands.js';
export * from './error-bands.js';
