export * from './issue.js';
export * from './document.js';
export * from './read.js';
export * from './limits.js';
export * from './result-invariants.js';
export * from './suggest.js';
