import type { Command } from 'commander';
import { registerCalibrate } from './calibrate.js';
import { registerEstimate } from './estimate.js';
import { registerRun } from './run.js';
import { registerRuns } from './runs.js';
import { registerSearch } from './search.js';
import { registerServe } from './serve.js';
import { registerSimulate } from './simulate.js';
import { registerSweep } from './sweep.js';
import { registerValidate } from './validate.js';

/** Every CLI command registers itself on the program. Add new commands here. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerEstimate, registerSearch, registerValidate, registerSimulate, registerServe, registerCalibrate, registerSweep, registerRun, registerRuns];
