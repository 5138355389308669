export * from './app-deps.js';
export * from './create-app.js';
export * from './error-body.js';
export * from './http-error.js';
export * from './start-server.js';
export * from './request-guard.js';
export * from './work-pool.js';
export * from './work.js';
