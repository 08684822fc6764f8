/**
 * `llm:<policy-model>@<url>,ref=<ref-model>[@<url>][,beta=B][,template=T][,logprobs=echo|prompt]`
 * <url> is the OpenAI-compatible base URL including `/v1`, e.g. http://127.0.0.1:8000/v1.
 * The reference defaults to the policy's server when its `@<url>` is left out.
 */
import { OptionError } from '../core/settings.js';
import { CHAT_TEMPLATES, DEFAULT_TEMPLATE } from './chat-templates.js';

export interface Endpoint {
  model: string;
  baseUrl: string;
}

export interface LlmQModelSpec {
  policy: Endpoint;
  reference: Endpoint;
  beta: number;
  template: string;
  /** `echo`: `echo + logprobs` (OpenAI legacy, vLLM); `prompt`: vLLM's `prompt_logprobs`. */
  logprobs: 'echo' | 'prompt';
}

export const LLM_SPEC_USAGE =
  'llm:<policy-model>@<url>,ref=<ref-model>[@<url>][,beta=B][,template=phi3|chatml|llama3][,logprobs=echo|prompt]';
export const DEFAULT_LLM_BETA = 0.1;

function endpoint(text: string, what: string, fallbackUrl?: string): Endpoint {
  const at = text.lastIndexOf('@');
  const model = (at < 0 ? text : text.slice(0, at)).trim();
  const baseUrl = (at < 0 ? (fallbackUrl ?? '') : text.slice(at + 1)).trim();
  if (!model)
    throw new OptionError(
      'qmodel',
      `the ${what} model name is missing (expected ${LLM_SPEC_USAGE})`,
    );
  if (!baseUrl)
    throw new OptionError(
      'qmodel',
      `the ${what} model "${model}" has no @<url> (expected ${LLM_SPEC_USAGE})`,
    );
  if (!/^https?:\/\//.test(baseUrl))
    throw new OptionError(
      'qmodel',
      `the ${what} URL "${baseUrl}" must start with http:// or https://`,
    );
  return { model, baseUrl };
}

export function parseLlmSpec(spec: string): LlmQModelSpec {
  if (!spec.startsWith('llm:'))
    throw new OptionError('qmodel', `"${spec}" is not an llm: spec (expected ${LLM_SPEC_USAGE})`);
  const [head = '', ...rest] = spec.slice('llm:'.length).split(',');
  const policy = endpoint(head, 'policy');
  const options = new Map<string, string>();
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0)
      throw new OptionError('qmodel', `"${part}" is not key=value (expected ${LLM_SPEC_USAGE})`);
    const key = part.slice(0, eq).trim();
    if (!['ref', 'beta', 'template', 'logprobs'].includes(key))
      throw new OptionError('qmodel', `unknown option "${key}" (expected ${LLM_SPEC_USAGE})`);
    options.set(key, part.slice(eq + 1).trim());
  }
  const ref = options.get('ref');
  if (!ref)
    throw new OptionError(
      'qmodel',
      `the reference model is missing: add ref=<model>[@<url>] (expected ${LLM_SPEC_USAGE})`,
    );
  const beta = options.has('beta') ? Number(options.get('beta')) : DEFAULT_LLM_BETA;
  if (!Number.isFinite(beta) || beta <= 0)
    throw new OptionError('qmodel', `beta must be a number > 0, got "${options.get('beta')}"`);
  const template = options.get('template') ?? DEFAULT_TEMPLATE;
  if (!CHAT_TEMPLATES[template])
    throw new OptionError(
      'qmodel',
      `unknown template "${template}" (expected one of: ${Object.keys(CHAT_TEMPLATES).join(', ')})`,
    );
  const logprobs = options.get('logprobs') ?? 'echo';
  if (logprobs !== 'echo' && logprobs !== 'prompt')
    throw new OptionError('qmodel', `logprobs must be echo or prompt, got "${logprobs}"`);
  return {
    policy,
    reference: endpoint(ref, 'reference', policy.baseUrl),
    beta,
    template,
    logprobs,
  };
}
