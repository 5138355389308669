import { COMPOSER } from './composer.js';
import { DEEPSPEED } from './deepspeed.js';
import { HAI_LLM } from './hai-llm.js';
import { MEGATRON_CORE } from './megatron-core.js';
import { NEMO } from './nemo.js';
import { STACK_IDS, type SoftwareStack, type StackId, type StackVersion } from './stack.js';
import { TORCHTITAN } from './torchtitan.js';

export const STACKS: Readonly<Record<StackId, SoftwareStack>> = {
  'megatron-core': MEGATRON_CORE,
  nemo: NEMO,
  torchtitan: TORCHTITAN,
  deepspeed: DEEPSPEED,
  composer: COMPOSER,
  'hai-llm': HAI_LLM,
};

/** `name` or `name@version`, as a spec writes `training.stack`. */
export function stackVersion(ref: string): StackVersion | undefined {
  const [id, version] = ref.split('@') as [string, string | undefined];
  if (!(STACK_IDS as readonly string[]).includes(id)) return undefined;
  const stack = STACKS[id as StackId];
  return version === undefined ? stack.versions[0] : stack.versions.find((v) => v.version === version);
}

/** Every `name@version` a spec may name. */
export function stackRefs(): string[] {
  return STACK_IDS.flatMap((id) => STACKS[id].versions.map((v) => `${id}@${v.version}`));
}

export const DEFAULT_STACK = 'megatron-core';
