/**
 * The CLI's spec strings: `--policy heuristic | openai:<model> | gguf:<model.gguf>` and
 * `--qmodel <folder> | llm:... | gguf:...`, turned into the library's policies and Q-value
 * models. The library itself takes typed options (src/constructors.ts); only the CLI (and tests
 * and scripts that speak its language) parse strings.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { PolicyInput, PolicyOptions } from '../agent/policy-factory.js';
import { POLICY_SETTINGS } from '../agent/policy-settings.js';
import type { Policy } from '../core/policy.js';
import type { QModel } from '../core/qmodel.js';
import { OptionError, resolveSettings } from '../core/settings.js';
import { GGUF_QMODEL_USAGE } from '../gguf/spec.js';
import { LLM_SPEC_USAGE } from '../qmodel/llm-spec.js';
import { isLearnedModelDir, loadLearnedQModel } from '../qmodel/store.js';

export const POLICY_SPECS =
  'heuristic | openai:<model> | gguf:<model.gguf>[,ctx=N] (needs the optional node-llama-cpp)';

export async function createPolicy(spec: string, input: PolicyInput): Promise<Policy> {
  const options: PolicyOptions = resolveSettings(POLICY_SETTINGS, input);
  if (spec === 'heuristic') {
    const { createHeuristicPolicy } = await import('../agent/heuristic/index.js');
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

export const QMODEL_SPECS = `a folder from \`stepq train\` | ${LLM_SPEC_USAGE} | ${GGUF_QMODEL_USAGE}`;

/** Where a Q-value model's endpoints are reached; the library reads no environment variable. */
export interface LoadQModelOptions {
  /** Key for `llm:` endpoints (the CLI passes $OPENAI_API_KEY). */
  apiKey?: string;
}

export async function loadQModel(spec: string, options: LoadQModelOptions = {}): Promise<QModel> {
  if (spec.startsWith('llm:')) {
    const { createLlmQModel } = await import('../qmodel/llm-implicit.js');
    return await createLlmQModel(spec, options.apiKey ? { apiKey: options.apiKey } : {});
  }
  if (spec.startsWith('gguf:')) {
    // In-process GGUF models through the optional node-llama-cpp (imported lazily).
    const { loadGgufQModel } = await import('../gguf/implicit-qmodel.js');
    return loadGgufQModel(spec);
  }
  if (existsSync(spec)) {
    // The model file itself names its folder.
    if (basename(spec) === 'model.json' && statSync(spec).isFile())
      return loadLearnedQModel(dirname(spec));
    if (!isLearnedModelDir(spec))
      throw new OptionError(
        'qmodel',
        'not a model folder (no model.json; train one with `stepq train`)',
        spec,
      );
    return loadLearnedQModel(spec);
  }
  throw new OptionError('qmodel', `no such folder (expected ${QMODEL_SPECS})`, spec);
}
