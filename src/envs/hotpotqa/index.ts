import { UserError } from '../../core/errors.js';
import type { EnvBundle } from '../../core/env.js';
import type { EnvOptions } from '../index.js';

export async function createHotpotqaBundle(_options: EnvOptions): Promise<EnvBundle> {
  throw new UserError('the HotPotQA env is not built yet');
}
