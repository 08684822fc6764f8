/**
 * The `--qmodel llm:` spec, in two forms:
 *   llm:<DIR>,policy=<model>@<url>,ref=<model>@<url>[,logprobs=echo|prompt][,server=S]
 *     a trained folder (stepq-qmodel.json gives beta, template, span rule, truncation and
 *     token rule) and the two servers;
 *   llm:<policy-model>@<url>,ref=<ref-model>[@<url>][,beta=B][,template=T][,span=sum|mean]
 *       [,maxlen=N][,logprobs=echo|prompt][,server=S]
 *     everything by hand (the token rule then comes from the server's tokenizer).
 * <url> is the OpenAI-compatible base URL including `/v1`, e.g. http://127.0.0.1:8000/v1;
 * S is vllm, llama-cpp or auto (default: ask the server which tokenize endpoint it has).
 */
import { UserError } from '../core/errors.js';
import { OptionError } from '../core/settings.js';
import { CHAT_TEMPLATES, DEFAULT_TEMPLATE, TEMPLATE_NAMES } from './chat-templates.js';
import type { SpanRule, TokenRule } from './llm-manifest.js';
import type { Endpoint, LogprobsMode, ServerKind } from './llm-servers.js';

export type { Endpoint } from './llm-servers.js';

export interface LlmQModelSpec {
  policy: Endpoint;
  reference: Endpoint;
  beta: number;
  template: string;
  span: SpanRule;
  /** `echo`: `echo + logprobs` (vLLM, llama-cpp-python); `prompt`: vLLM's `prompt_logprobs`. */
  logprobs: LogprobsMode;
  server: ServerKind | 'auto';
  /** The token rule of a trained folder; undefined: derived from the server's tokenizer. */
  tokens?: TokenRule;
  /** The truncation limit; undefined: the manifest's, else the server's context (if it says). */
  maxLength?: number;
  /** The trained folder the spec came from, if any. */
  folder?: string;
}

export const LLM_SPEC_USAGE =
  'llm:<DIR>,policy=<model>@<url>,ref=<model>@<url> | llm:<policy-model>@<url>,ref=<ref-model>[@<url>][,beta=B][,template=phi3|chatml|llama3][,span=sum|mean][,maxlen=N][,logprobs=echo|prompt][,server=vllm|llama-cpp|auto]';
export const DEFAULT_LLM_BETA = 0.1;

const COMMON_KEYS = ['ref', 'logprobs', 'server'];
const MANUAL_KEYS = [...COMMON_KEYS, 'beta', 'template', 'span', 'maxlen'];
const FOLDER_KEYS = [...COMMON_KEYS, 'policy'];

export function parseEndpoint(text: string, what: string, fallbackUrl?: string): Endpoint {
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
  return { model, baseUrl: baseUrl.replace(/\/+$/, '') };
}

/** The same model at the same URL (names compared as given, URLs without a trailing slash). */
export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.model === b.model && a.baseUrl === b.baseUrl;
}

function options(parts: string[], keys: readonly string[], form: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0)
      throw new OptionError('qmodel', `"${part}" is not key=value (expected ${LLM_SPEC_USAGE})`);
    const key = part.slice(0, eq).trim();
    if (!keys.includes(key)) {
      const why = MANUAL_KEYS.includes(key)
        ? ` (${key} comes from the folder's stepq-qmodel.json ${form})`
        : ` (expected ${LLM_SPEC_USAGE})`;
      throw new UserError(`--qmodel: unknown option "${key}"${why}`);
    }
    if (out.has(key)) throw new UserError(`--qmodel: option "${key}" is given twice`);
    out.set(key, part.slice(eq + 1).trim());
  }
  return out;
}

function logprobsMode(raw: string | undefined): LogprobsMode {
  const v = raw ?? 'echo';
  if (v !== 'echo' && v !== 'prompt')
    throw new UserError(`--qmodel: logprobs must be echo or prompt, got "${v}"`);
  return v;
}

function serverKind(raw: string | undefined): ServerKind | 'auto' {
  const v = raw ?? 'auto';
  if (v !== 'vllm' && v !== 'llama-cpp' && v !== 'auto')
    throw new UserError(`--qmodel: server must be vllm, llama-cpp or auto, got "${v}"`);
  return v;
}

/** Throws when the two endpoints name one model at one URL (Q would be 0 for every candidate). */
export function checkTwoModels(policy: Endpoint, reference: Endpoint): void {
  if (sameEndpoint(policy, reference))
    throw new UserError(
      `--qmodel: the policy and the reference are the same model (${policy.model} at ${policy.baseUrl}): every Q would be 0; serve the trained model and the reference as two models (docs/qmodel.md)`,
    );
}

/** The spec's parts without a folder read: `folder` is set for the folder form. */
export function parseLlmSpec(spec: string): LlmQModelSpec {
  if (!spec.startsWith('llm:'))
    throw new UserError(`--qmodel: "${spec}" is not an llm: spec (expected ${LLM_SPEC_USAGE})`);
  const [head = '', ...rest] = spec.slice('llm:'.length).split(',');
  if (!head.includes('@') && head.trim()) {
    const folder = head.trim();
    const opts = options(rest, FOLDER_KEYS, 'in the folder form');
    const policy = opts.get('policy');
    const ref = opts.get('ref');
    if (!policy || !ref)
      throw new UserError(
        `--qmodel: llm:${folder} needs both servers: add policy=<model>@<url> and ref=<model>@<url> (expected ${LLM_SPEC_USAGE})`,
      );
    const p = parseEndpoint(policy, 'policy');
    const r = parseEndpoint(ref, 'reference', p.baseUrl);
    checkTwoModels(p, r);
    return {
      policy: p,
      reference: r,
      beta: DEFAULT_LLM_BETA, // replaced by the manifest's
      template: DEFAULT_TEMPLATE,
      span: 'sum',
      logprobs: logprobsMode(opts.get('logprobs')),
      server: serverKind(opts.get('server')),
      folder,
    };
  }
  const policy = parseEndpoint(head, 'policy');
  const opts = options(rest, MANUAL_KEYS, '');
  const ref = opts.get('ref');
  if (!ref)
    throw new OptionError(
      'qmodel',
      `the reference model is missing: add ref=<model>[@<url>] (expected ${LLM_SPEC_USAGE})`,
    );
  const beta = opts.has('beta') ? Number(opts.get('beta')) : DEFAULT_LLM_BETA;
  if (!Number.isFinite(beta) || beta <= 0)
    throw new UserError(`--qmodel: beta must be a number > 0, got "${opts.get('beta')}"`);
  const template = opts.get('template') ?? DEFAULT_TEMPLATE;
  if (!CHAT_TEMPLATES[template])
    throw new UserError(
      `--qmodel: unknown template "${template}" (expected one of: ${TEMPLATE_NAMES.join(', ')})`,
    );
  const span = opts.get('span') ?? 'sum';
  if (span !== 'sum' && span !== 'mean')
    throw new UserError(`--qmodel: span must be sum or mean, got "${span}"`);
  let maxLength: number | undefined;
  if (opts.has('maxlen')) {
    maxLength = Number(opts.get('maxlen'));
    if (!Number.isInteger(maxLength) || maxLength < 2)
      throw new UserError(`--qmodel: maxlen must be an integer >= 2, got "${opts.get('maxlen')}"`);
  }
  const reference = parseEndpoint(ref, 'reference', policy.baseUrl);
  checkTwoModels(policy, reference);
  return {
    policy,
    reference,
    beta,
    template,
    span,
    logprobs: logprobsMode(opts.get('logprobs')),
    server: serverKind(opts.get('server')),
    ...(maxLength !== undefined ? { maxLength } : {}),
  };
}
