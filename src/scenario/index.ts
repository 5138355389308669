export * from './campaign-gpus.js';
export * from './read-deliveries.js';
export * from './read-supply.js';
export * from './read-training.js';
export * from './read-reliability.js';
export * from './parse-campaign-scenario.js';
export * from './campaign-scenario-schema.js';
