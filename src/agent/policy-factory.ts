/** The options every policy backend takes (the CLI turns `--policy` specs into them: src/cli/specs.ts). */
import type { PolicySettings } from './policy-settings.js';

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
