import type { Command } from 'commander';

/** Every CLI command registers itself on the program. Add new commands here. */
export type RegisterCommand = (program: Command) => void;

/**
 * Each command by name, loaded only when asked for: `colossus estimate` never loads the store's
 * native module, the server or the campaign (start-up in about the time of a bare `node`).
 */
export const commandLoaders: Record<string, () => Promise<RegisterCommand>> = {
  estimate: async () => (await import('./estimate.js')).registerEstimate,
  search: async () => (await import('./search.js')).registerSearch,
  validate: async () => (await import('./validate.js')).registerValidate,
  simulate: async () => (await import('./simulate.js')).registerSimulate,
  serve: async () => (await import('./serve.js')).registerServe,
  calibrate: async () => (await import('./calibrate.js')).registerCalibrate,
  sweep: async () => (await import('./sweep.js')).registerSweep,
  run: async () => (await import('./run.js')).registerRun,
  runs: async () => (await import('./runs.js')).registerRuns,
  catalog: async () => (await import('./catalog.js')).registerCatalog,
};

/** Every command, in the order `colossus --help` lists them. */
export async function loadAllCommands(): Promise<RegisterCommand[]> {
  return Promise.all(Object.values(commandLoaders).map((load) => load()));
}
