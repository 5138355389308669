import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// The test set mutation testing runs (stryker.config.mjs): every test but the fuzz suite, whose
// per-case hang limit (10 s of wall clock) fires under StrykerJS's instrumentation on a shared
// machine, and which reaches nearly every mutant (50 s a run). The fuzz suite still runs in `npm test`.
export default mergeConfig(base, defineConfig({ test: { exclude: ['src/**/*.load.test.ts', 'src/fuzz/**', 'node_modules/**'] } }));
