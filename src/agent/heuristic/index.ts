/**
 * The embedded heuristic policies (`--policy heuristic`): stochastic, imperfect players
 * that read only the conversation, for running the whole pipeline without an LLM.
 */
import { UserError } from '../../core/errors.js';
import type { Policy } from '../../core/policy.js';
import { sampleHotpotqaStep } from './hotpotqa.js';
import { samplingPolicy } from './sampling.js';
import { sampleWebshopStep } from './webshop.js';

export function createHeuristicPolicy(env: string): Policy {
  switch (env) {
    case 'hotpotqa':
      return samplingPolicy('heuristic', sampleHotpotqaStep);
    case 'webshop':
      return samplingPolicy('heuristic', sampleWebshopStep);
    default:
      throw new UserError(`no heuristic policy for env "${env}" (available: hotpotqa, webshop)`);
  }
}
