export * from './schedule.js';
export * from './interleaved-1f1b.js';
