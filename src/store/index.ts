export * from './open-store.js';
export * from './run-record.js';
export * from './run-id.js';
export * from './store-error.js';
export * from './migrations.js';
export * from './migrate.js';
export * from './recovery.js';
