import { UserError } from '../core/errors.js';
import type { Policy } from '../core/policy.js';
import type { PolicyOptions } from '../agent/policy-factory.js';

export function createOpenAIPolicy(_model: string, _options: PolicyOptions): Policy {
  throw new UserError('the OpenAI-compatible backend is not built yet');
}
