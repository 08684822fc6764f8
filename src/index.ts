/**
 * The package entry (`import ... from 'stepq'`): the contracts, the registries (envs, search
 * algorithms, decision rules), typed constructors for policies and Q-value models, and the
 * pipeline steps (collect, pairs, train, evaluate, the whole demo pipeline) with their
 * defaults. Importing it registers the built-in envs (hotpotqa, webshop). Everything not
 * exported here is internal; docs/extending.md shows how the pieces fit.
 */

// Contracts.
export type { Env, EnvBundle, ResetResult, ReturnRules, StepResult, TaskSet } from './core/env.js';
export type { Policy, PolicyReply, ProposeOptions, Usage } from './core/policy.js';
export { addUsage, emptyUsage } from './core/policy.js';
export type { QModel } from './core/qmodel.js';
export type { HistoryStep, Message, StepContext } from './core/messages.js';
export type { AgentPrompt } from './core/prompt.js';
export { UserError } from './core/errors.js';
export { Rng, seedFrom } from './core/rng.js';

// Environments: the registry, the built-ins, the conformance suite.
export {
  createEnv,
  envNames,
  findEnv,
  getEnv,
  registerEnv,
  unregisterEnv,
  type CreateEnvOptions,
  type EnvCreateOptions,
  type EnvDataSources,
  type EnvDefinition,
  type EnvOptionFlag,
} from './core/registry.js';
import './envs/index.js';
export { hotpotqaDefinition } from './envs/hotpotqa/definition.js';
export { webshopDefinition } from './envs/webshop/definition.js';
export {
  checkEnvConformance,
  type ConformanceOptions,
  type ConformanceReport,
} from './envs/conformance.js';

// The agent: conversations, reply parsing, building a heuristic policy from a step sampler.
export { policyMessages, qModelMessages } from './agent/conversation.js';
export { canonicalText, parseReply, type ParsedStep } from './agent/parse.js';
export { samplingPolicy, type StepSampler } from './agent/heuristic/sampling.js';
export type { PolicyOptions } from './agent/policy-factory.js';

// Settings: one description per setting (type, default, range, help), grouped per step; the
// CLI generates its flags from these, and `defaultsOf(group)` gives a group's defaults.
export {
  defaultsOf,
  resolveSettings,
  OptionError,
  type Setting,
  type Settings,
  type Values,
} from './core/settings.js';
export {
  DEFAULT_POLICY_SETTINGS,
  POLICY_SETTINGS,
  type PolicySettings,
} from './agent/policy-settings.js';
export { SEARCH_SETTINGS } from './search/settings.js';
export { PAIR_SETTINGS, type PairSettings } from './data/pair-settings.js';
export { FEATURIZER_SETTINGS, TRAIN_SETTINGS } from './qmodel/train-settings.js';
export { CONCURRENCY_SETTINGS, EVAL_SETTINGS, type EvalSettings } from './eval/settings.js';
export { PIPELINE_SETTINGS, type PipelineSettings } from './eval/pipeline-settings.js';

// Policies and Q-value models from typed options.
export {
  ggufPolicy,
  ggufQModel,
  ggufQModelFromFolder,
  heuristicPolicy,
  learnedQModel,
  llmQModel,
  llmQModelFromFolder,
  openaiPolicy,
  type GgufPolicyOptions,
  type LlmQModelOptions,
  type OpenAIPolicyOptions,
} from './constructors.js';
export type { GgufQModelSpec } from './gguf/spec.js';
export type { Endpoint, LlmQModelSpec } from './qmodel/llm-spec.js';
export { readLlmManifest, LLM_MANIFEST_FILE, type LlmManifest } from './qmodel/llm-manifest.js';

// Search: the algorithm contract and registry, MCTS, shared moves, collect (step 1).
export * from './search/index.js';

// Trees and pairs (step 2).
export {
  bestPathOf,
  contextAt,
  historyOf,
  nodesAlong,
  readTreeFile,
  walkTree,
  writeTreeFile,
  TREE_FORMAT,
  type TreeFile,
  type TreeNode,
  type TreeStats,
} from './data/tree.js';
export {
  buildPairs,
  readPairs,
  readTreeFolder,
  PAIR_STRATEGIES,
  type Pair,
  type PairOptions,
  type PairStrategy,
} from './data/pairs.js';

// Training the in-process Q-value model (step 3).
export {
  trainQModel,
  saveQModel,
  readPairsFile,
  LearnedQModel,
  DEFAULT_TRAIN_OPTIONS,
  type TrainOptions,
  type TrainResult,
  type EpochStats,
  type TrainingPair,
} from './qmodel/index.js';

// Acting and evaluation (step 4): decision rules, episodes, runs, statistics.
export * from './eval/decision/index.js';
export { runEpisode, type EpisodeOptions } from './eval/episode.js';
export { runEval, summarize, type EvalOptions, type EvalSummary } from './eval/run.js';
export type { Trajectory } from './eval/trajectory.js';
export { pairedBootstrap, type Interval } from './eval/stats.js';

// The whole method in one call (what `stepq demo` runs).
export {
  runPipeline,
  type ArmResult,
  type PipelineHooks,
  type PipelineOptions,
  type PipelineResult,
} from './eval/pipeline.js';

// More of the settings API (constructors for new groups), and the process-wide GGUF settings.
export { bool, choice, int, num, str, withChanges } from './core/settings.js';
export { type SearchSettings } from './search/settings.js';
export { type TrainSettings } from './qmodel/train-settings.js';
export { configureGgufRuntime, type GgufRuntimeSettings } from './gguf/runtime.js';
export { STEPQ_VERSION } from './core/version.js';
