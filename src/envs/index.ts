/**
 * The built-in envs, one registration line each. Importing this module makes them known to
 * the registry (src/core/registry.ts), where the CLI, the agent and the viewer look them up.
 */
import { createEnv, registerEnv, type CreateEnvOptions } from '../core/registry.js';
import type { EnvBundle } from '../core/env.js';
import { hotpotqaDefinition } from './hotpotqa/definition.js';
import { webshopDefinition } from './webshop/definition.js';

registerEnv(hotpotqaDefinition);
registerEnv(webshopDefinition);

export { envNames, getEnv, findEnv, registerEnv } from '../core/registry.js';

/** The common options (data, seed, cacheDir) plus the chosen env's own fields. */
export type EnvOptions = CreateEnvOptions;

/** Builds a registered env and its task set. */
export function createEnvBundle(options: EnvOptions): Promise<EnvBundle> {
  return createEnv(options);
}
