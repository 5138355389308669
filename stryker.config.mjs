// StrykerJS mutation testing over the pure core and its edges. `npm run mutate` runs every module;
// `npm run mutate:<module>` runs one (server, store, campaign, sim, search, model). Incremental: each
// module keeps its previous result in stryker/incremental-<module>.json (committed), so a re-run after a
// change re-tests only the mutants the change touched. Concurrency 2: the machine is shared (with other
// sessions on it, pass --concurrency 1).
// Scores per module are recorded in docs/testing.md.
const module = process.env['STRYKER_MODULE'];
const modules = ['model', 'search', 'sim', 'campaign', 'store', 'server'];
// src/model is too large for one sitting (about 3,700 scored mutants, 2 h 30 min on two cores), so it is
// also scored in parts, each with its own incremental file: STRYKER_PART=<sub-folder> (layer, step,
// network, schedule, stack, bands, variability) or `top` (the files directly in src/model). The same
// tests run against every part (the module's own folder); `node stryker/score.mjs` sums the parts.
const part = process.env['STRYKER_PART'];
const parts = ['top', 'layer', 'step', 'network', 'schedule', 'stack', 'bands', 'variability'];
if (part !== undefined && (module !== 'model' || !parts.includes(part))) {
  throw new Error(`STRYKER_PART=${part}: parts exist only for STRYKER_MODULE=model, one of ${parts.join(', ')}`);
}
const folders = module ? [module] : modules;
const mutateFolders = part === undefined ? folders.map((f) => `src/${f}/**/*.ts`) : [part === 'top' ? 'src/model/*.ts' : `src/model/${part}/**/*.ts`];
const name = part === undefined ? (module ?? 'all') : `model-${part}`;
// The pure core is reached by nearly every test in the repository (the bundled campaign's headline
// test alone runs a minute instrumented), so each core module is scored by its own folder's tests:
// a conservative figure (a mutant only another module's test kills counts as survived). The edges
// (store, server) are scored by every related test, as before. vitest.stryker.config.ts reads the
// same STRYKER_MODULE and narrows its test set.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: true },
  coverageAnalysis: 'perTest',
  mutate: [
    ...mutateFolders,
    '!src/**/*.test.ts',
    '!src/**/_test-*.ts',
    '!src/**/index.ts',
  ],
  concurrency: 2,
  timeoutMS: 20_000,
  // Static mutants (module-level constants) re-run every test of the module: 2/3 of the time for 1/4
  // of the mutants. They are reported as ignored and left out of the score (docs/testing.md says so).
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `stryker/incremental-${name}.json`,
  plugins: ['@stryker-mutator/*', './stryker/stream-reporter.mjs'],
  reporters: ['clear-text', 'progress', 'html', 'json', 'stream'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  ignorePatterns: ['reports', 'stryker', 'coverage', 'out', '*.db', '*.db-wal', '*.db-shm'],
};
