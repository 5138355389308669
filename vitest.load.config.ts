import { defineConfig } from 'vitest/config';

// The latency tests (health p99 under load), run by `npm test` after the main suite, one file at a time.
export default defineConfig({
  test: {
    include: ['src/**/*.load.test.ts'],
    testTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default', './test/skip-reporter.ts'],
  },
});
