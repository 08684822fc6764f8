/**
 * `--policy gguf:<model.gguf>[,ctx=N]` and the Q-value model in three forms:
 * `--qmodel gguf:<DIR>[,ctx=N]`: a trained folder (its stepq-qmodel.json names the GGUF files
 * and fixes beta, template, span rule, truncation and token rule);
 * `--qmodel gguf:<policy.gguf>,ref=<ref.gguf>[,beta=B][,template=T][,span=sum|mean][,ctx=N]`;
 * `--qmodel gguf:<base.gguf>,lora=<adapter.gguf>[,...]` (reference = the base without the adapter).
 * Paths may not contain commas.
 */
import { statSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { OptionError } from '../core/settings.js';
import type { SpanRule, TokenRule } from '../qmodel/llm-manifest.js';
import { CHAT_TEMPLATES, DEFAULT_TEMPLATE } from '../qmodel/chat-templates.js';
import { DEFAULT_LLM_BETA } from '../qmodel/llm-spec.js';

export const GGUF_POLICY_USAGE = 'gguf:<model.gguf>[,ctx=N]';
export const GGUF_QMODEL_USAGE =
  'gguf:<DIR>[,ctx=N] | gguf:<policy.gguf>,ref=<reference.gguf>|lora=<adapter.gguf>[,beta=B][,template=phi3|chatml|llama3][,span=sum|mean][,ctx=N]';
/** Context size when the spec gives none: the model's training context, capped to bound memory. */
export const DEFAULT_CONTEXT_CAP = 8192;

export interface GgufPolicySpec {
  path: string;
  contextSize?: number;
}

export interface GgufQModelSpec {
  /** The policy model, or the base model when `lora` is set. */
  policy: string;
  /** The reference model; with `lora` and no `ref=`, the same base file without the adapter. */
  reference: string;
  lora?: string;
  beta: number;
  template: string;
  span: SpanRule;
  contextSize?: number;
  /** The token rule of a trained folder; undefined: the model's own (its BOS setting). */
  tokens?: TokenRule;
  /** The truncation limit; undefined: the context size. */
  maxLength?: number;
  /** The trained folder the spec names, when it names one (then read with its manifest). */
  folder?: string;
}

function splitSpec(
  spec: string,
  flag: string,
  usage: string,
  keys: readonly string[],
): { head: string; options: Map<string, string> } {
  if (!spec.startsWith('gguf:'))
    throw new OptionError(flag, `"${spec}" is not a gguf: spec (expected ${usage})`);
  const [head = '', ...rest] = spec.slice('gguf:'.length).split(',');
  if (!head.trim()) throw new OptionError(flag, `the .gguf file is missing (expected ${usage})`);
  const options = new Map<string, string>();
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new OptionError(flag, `"${part}" is not key=value (expected ${usage})`);
    const key = part.slice(0, eq).trim();
    if (!keys.includes(key))
      throw new OptionError(flag, `unknown option "${key}" (expected ${usage})`);
    if (options.has(key)) throw new OptionError(flag, `option "${key}" is given twice`);
    options.set(key, part.slice(eq + 1).trim());
  }
  return { head: head.trim(), options };
}

function contextSize(options: Map<string, string>, flag: string): number | undefined {
  const raw = options.get('ctx');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 64)
    throw new OptionError(flag, `ctx must be an integer >= 64, got "${raw}"`);
  return n;
}

export function parseGgufPolicySpec(spec: string): GgufPolicySpec {
  const { head, options } = splitSpec(spec, 'policy', GGUF_POLICY_USAGE, ['ctx']);
  return { path: head, contextSize: contextSize(options, 'policy') };
}

export function parseGgufQModelSpec(spec: string): GgufQModelSpec {
  const flag = '--qmodel';
  const head0 = spec.startsWith('gguf:') ? (spec.slice('gguf:'.length).split(',')[0] ?? '') : '';
  if (isFolder(head0.trim())) {
    const { head, options } = splitSpec(spec, flag, GGUF_QMODEL_USAGE, ['ctx']);
    return {
      policy: '',
      reference: '',
      beta: DEFAULT_LLM_BETA, // replaced by the manifest's
      template: DEFAULT_TEMPLATE,
      span: 'sum',
      contextSize: contextSize(options, flag),
      folder: head,
    };
  }
  const { head, options } = splitSpec(spec, flag, GGUF_QMODEL_USAGE, [
    'ref',
    'lora',
    'beta',
    'template',
    'span',
    'ctx',
  ]);
  const lora = options.get('lora');
  const ref = options.get('ref');
  if (lora === '' || ref === '') throw new OptionError(flag, `empty file name in "${spec}"`);
  if (!ref && !lora)
    throw new OptionError(
      flag,
      `the reference model is missing: add ref=<reference.gguf>, or lora=<adapter.gguf> to use the base model as the reference (expected ${GGUF_QMODEL_USAGE})`,
    );
  const beta = options.has('beta') ? Number(options.get('beta')) : DEFAULT_LLM_BETA;
  if (!Number.isFinite(beta) || beta <= 0)
    throw new OptionError(flag, `beta must be a number > 0, got "${options.get('beta')}"`);
  const template = options.get('template') ?? DEFAULT_TEMPLATE;
  if (!CHAT_TEMPLATES[template])
    throw new OptionError(
      flag,
      `unknown template "${template}" (expected one of: ${Object.keys(CHAT_TEMPLATES).join(', ')})`,
    );
  const span = options.get('span') ?? 'sum';
  if (span !== 'sum' && span !== 'mean')
    throw new UserError(`${flag}: span must be sum or mean, got "${span}"`);
  if (!lora && ref === head)
    throw new UserError(
      `${flag}: the policy and the reference are the same file (${head}): every Q would be 0; give the trained model and the reference, or lora=<adapter.gguf> over the base`,
    );
  return {
    policy: head,
    reference: ref ?? head,
    lora,
    beta,
    template,
    span,
    contextSize: contextSize(options, flag),
  };
}

function isFolder(path: string): boolean {
  try {
    return path !== '' && statSync(path).isDirectory();
  } catch {
    return false;
  }
}
