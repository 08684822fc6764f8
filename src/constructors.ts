/**
 * Typed constructors for policies and Q-value models: the library's side of `--policy` and
 * `--qmodel`. The CLI parses spec strings (`openai:<model>`, `llm:...`, `gguf:...`) into these
 * option objects; a library caller passes them directly. Nothing here reads environment
 * variables (an API key is an option). Backends that pull in an SDK or an optional package are
 * imported on first use, so `import('stepq')` stays light.
 */
import type { PolicyOptions } from './agent/policy-factory.js';
import { POLICY_SETTINGS } from './agent/policy-settings.js';
import { resolveSettings } from './core/settings.js';
import type { Policy } from './core/policy.js';
import type { QModel } from './core/qmodel.js';
import type { GgufQModelSpec } from './gguf/spec.js';
import type { Endpoint, LlmQModelSpec } from './qmodel/llm-spec.js';

export { createHeuristicPolicy as heuristicPolicy } from './agent/heuristic/index.js';
export { loadLearnedQModel as learnedQModel } from './qmodel/store.js';

/**
 * An OpenAI-compatible chat model as the agent's policy. Sampling and request settings left
 * out take DEFAULT_POLICY_SETTINGS; a bad value is an error naming the field (`options.topP`).
 */
export interface OpenAIPolicyOptions extends Partial<Omit<PolicyOptions, 'env'>> {
  /** The model name the server knows, e.g. `gpt-4o-mini`. */
  model: string;
}

export async function openaiPolicy(options: OpenAIPolicyOptions): Promise<Policy> {
  const { createOpenAIPolicy } = await import('./llm/openai-policy.js');
  const { model, ...rest } = resolveSettings(POLICY_SETTINGS, options);
  // The env name only steers the heuristic policy; an LLM policy does not read it.
  return createOpenAIPolicy(model, { ...rest, env: '' });
}

/** A GGUF model run in-process through the optional `node-llama-cpp` package. */
export interface GgufPolicyOptions extends Partial<
  Pick<PolicyOptions, 'temperature' | 'topP' | 'maxTokens'>
> {
  /** The .gguf file. */
  path: string;
  /** Context size (default: the model's training context, capped at DEFAULT_CONTEXT_CAP). */
  contextSize?: number;
}

export async function ggufPolicy(options: GgufPolicyOptions): Promise<Policy> {
  const { GgufPolicy } = await import('./gguf/policy.js');
  const { path, contextSize, temperature, topP, maxTokens } = resolveSettings(
    POLICY_SETTINGS,
    options,
  );
  const policy = new GgufPolicy({ path, contextSize }, { temperature, topP, maxTokens });
  await policy.ready();
  return policy;
}

/**
 * The paper's LLM implicit Q-value model over two OpenAI-compatible endpoints, everything by
 * hand (`span` defaults to sum, `server` to auto). It connects on the first score(): the
 * token rule is read from the server then, and one model under two names is refused then.
 */
export interface LlmQModelOptions
  extends Omit<LlmQModelSpec, 'span' | 'server'>, Partial<Pick<LlmQModelSpec, 'span' | 'server'>> {
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

export async function llmQModel(options: LlmQModelOptions): Promise<QModel> {
  const { LlmImplicitQModel } = await import('./qmodel/llm-implicit.js');
  const { apiKey, timeoutMs, maxRetries, span = 'sum', server = 'auto', ...spec } = options;
  return new LlmImplicitQModel({ ...spec, span, server }, { apiKey, timeoutMs, maxRetries });
}

/**
 * The LLM implicit Q-value model of a trained folder (`stepq train --engine trl --out DIR`)
 * over HTTP: its manifest gives beta, template, span rule, truncation and token rule; the
 * endpoints serve the trained policy and the reference (docs/llm-qmodel-contract.md §4).
 */
export async function llmQModelFromFolder(
  dir: string,
  endpoints: { policy: Endpoint; reference: Endpoint },
  options: { apiKey?: string; timeoutMs?: number; maxRetries?: number } = {},
): Promise<QModel> {
  const { createLlmQModelFromFolder } = await import('./qmodel/llm-implicit.js');
  return createLlmQModelFromFolder(dir, endpoints, options);
}

/** The same, in-process from the folder's GGUF files (optional `node-llama-cpp`). */
export async function ggufQModelFromFolder(dir: string): Promise<QModel> {
  const { createGgufQModelFromFolder } = await import('./gguf/implicit-qmodel.js');
  return createGgufQModelFromFolder(dir);
}

/** The LLM implicit Q-value model over GGUF files, in-process (optional `node-llama-cpp`). */
export async function ggufQModel(spec: GgufQModelSpec): Promise<QModel> {
  const { GgufImplicitQModel } = await import('./gguf/implicit-qmodel.js');
  const model = new GgufImplicitQModel(spec);
  await model.ready();
  return model;
}
