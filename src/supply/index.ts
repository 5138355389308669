export * from './allocation-input.js';
export * from './allocation-result.js';
export * from './allocate-supply.js';
export * from './split-pro-rata.js';
export * from './month-label.js';
export * from './order-what-if.js';
export * from './validate-allocation-input.js';
export * from './default-hopper-market.js';
