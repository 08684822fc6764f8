/**
 * Q-value models: the learned in-process model (a folder written by `stepq train`) and
 * the LLM implicit model (`llm:...`, the paper's DPO implicit reward).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { QModel } from '../core/qmodel.js';
import { OptionError } from '../core/settings.js';
import { LLM_SPEC_USAGE } from './llm-spec.js';
import { GGUF_QMODEL_USAGE } from '../gguf/spec.js';
import { isLearnedModelDir, loadLearnedQModel } from './store.js';

export {
  trainQModel,
  DEFAULT_TRAIN_OPTIONS,
  type TrainOptions,
  type TrainResult,
  type EpochStats,
} from './train.js';
export { saveQModel, loadLearnedQModel } from './store.js';
export { readPairsFile, toTrainingPair, type TrainingPair } from './pairs.js';
export { LearnedQModel } from './learned.js';
export {
  readLlmManifest,
  isLlmModelDir,
  manifestGgufFiles,
  llmManifestSchema,
  LLM_MANIFEST_FILE,
  LLM_MANIFEST_FORMAT,
  type LlmManifest,
  type TokenRule,
  type Truncation,
  type SpanRule,
} from './llm-manifest.js';
export {
  chatTemplate,
  renderForScoring,
  CHAT_TEMPLATES,
  DEFAULT_TEMPLATE,
  type ChatTemplate,
  type ScoringText,
} from './chat-templates.js';
// The LLM implicit model (and the OpenAI SDK it needs) is imported lazily: see ./llm-implicit.js.

export const QMODEL_SPECS = `a folder from \`stepq train\` | ${LLM_SPEC_USAGE} | ${GGUF_QMODEL_USAGE}`;

/** Where a Q-value model's endpoints are reached; the library reads no environment variable. */
export interface LoadQModelOptions {
  /** Key for `llm:` endpoints (the CLI passes $OPENAI_API_KEY). */
  apiKey?: string;
}

export async function loadQModel(spec: string, options: LoadQModelOptions = {}): Promise<QModel> {
  if (spec.startsWith('llm:')) {
    const { createLlmQModel } = await import('./llm-implicit.js');
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
