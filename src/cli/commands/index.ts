import type { Command } from 'commander';

/** Every CLI command registers itself on the program. Add new commands here. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
import { registerSimulate } from './simulate.js'; commands.push(registerSimulate);
