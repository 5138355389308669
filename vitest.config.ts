import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Latency tests run alone afterwards (vitest.load.config.ts): other test files would share the CPUs.
    exclude: ['src/**/*.load.test.ts', 'node_modules/**'],
    testTimeout: 30_000,
    // The skip reporter prints how many tests did not run and why (and fails under COLOSSUS_NO_SKIPS=1).
    reporters: ['default', './test/skip-reporter.ts'],
  },
});
