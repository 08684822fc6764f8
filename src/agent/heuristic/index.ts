/**
 * The embedded heuristic policies (`--policy heuristic`): stochastic, imperfect players
 * that read only the conversation, for running the whole pipeline without an LLM. Each env
 * registers its own (src/envs/<env>/definition.ts); this looks it up.
 */
import { UserError } from '../../core/errors.js';
import type { Policy } from '../../core/policy.js';
import { envNames, getEnv } from '../../core/registry.js';

export function createHeuristicPolicy(env: string): Policy {
  const definition = getEnv(env);
  if (!definition.heuristicPolicy) {
    const available = envNames().filter((name) => getEnv(name).heuristicPolicy);
    throw new UserError(
      `no heuristic policy for env "${env}" (available: ${available.join(', ') || 'none'})`,
    );
  }
  return definition.heuristicPolicy();
}
