/**
 * Q-value models: the learned in-process model (a folder written by `stepq train`) and
 * the LLM implicit model (`llm:...`, the paper's DPO implicit reward).
 */

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
// Spec strings (`--qmodel DIR | llm:... | gguf:...`) are parsed by the CLI: src/cli/specs.ts.
