import { UserError } from '../../core/errors.js';
import type { Policy } from '../../core/policy.js';

export function createHeuristicPolicy(env: string): Policy {
  throw new UserError(`no heuristic policy for env "${env}" yet`);
}
