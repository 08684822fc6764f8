/** Turns a `--policy` spec into a Policy: `heuristic`, `openai:<model>` or `gguf:<model.gguf>`. */
import type { Policy } from '../core/policy.js';
import { OptionError, resolveSettings } from '../core/settings.js';
import { POLICY_SETTINGS, type PolicySettings } from './policy-settings.js';

/** Sampling and request settings (POLICY_SETTINGS: temperature, topP, ...) plus where to reach the model. */
export interface PolicyOptions extends PolicySettings {
  /** Env name, so the embedded heuristic knows which task family it plays. */
  env: string;
  /** OpenAI-compatible endpoint; the library reads no environment variable (the CLI does). */
  baseUrl?: string;
  apiKey?: string;
  /** Folder of the opt-in on-disk response cache. */
  cacheDir?: string;
  /** First wait before retrying a faulty reply, in ms (doubling each try; default 250). */
  retryBaseMs?: number;
  /** Infrastructure failures in a row (auth, refused, DNS) after which the run stops (default 3). */
  maxInfraFailures?: number;
}

/** What a caller passes: the env, and any settings that differ from DEFAULT_POLICY_SETTINGS. */
export type PolicyInput = Pick<PolicyOptions, 'env'> & Partial<PolicyOptions>;

export const POLICY_SPECS =
  'heuristic | openai:<model> | gguf:<model.gguf>[,ctx=N] (needs the optional node-llama-cpp)';

export async function createPolicy(spec: string, input: PolicyInput): Promise<Policy> {
  const options: PolicyOptions = resolveSettings(POLICY_SETTINGS, input);
  if (spec === 'heuristic') {
    const { createHeuristicPolicy } = await import('./heuristic/index.js');
    return createHeuristicPolicy(options.env);
  }
  if (spec.startsWith('openai:')) {
    const model = spec.slice('openai:'.length);
    if (!model)
      throw new OptionError('policy', 'openai:<model> needs a model name, e.g. openai:gpt-4o-mini');
    const { createOpenAIPolicy } = await import('../llm/openai-policy.js');
    return createOpenAIPolicy(model, options);
  }
  if (spec.startsWith('gguf:')) {
    // In-process GGUF model; node-llama-cpp is optional and imported only here (src/gguf/runtime.ts).
    const { loadGgufPolicy } = await import('../gguf/policy.js');
    return loadGgufPolicy(spec, options);
  }
  throw new OptionError('policy', `unknown policy (expected ${POLICY_SPECS})`, spec);
}
