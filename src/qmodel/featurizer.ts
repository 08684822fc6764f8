/**
 * Hashed sparse features of a (decision point, candidate step) pair, for any ReAct text env.
 * Three groups: the candidate alone (verb, argument and thought words), the context alone
 * (task and last-observation words, step, previous verbs) and their interaction (is the
 * argument grounded in the task or in what the env showed, does it repeat an earlier step,
 * verb after verb, verb after a failure). Only the text is used: no env-specific rules.
 *
 * Features are named strings hashed into `2^dimBits` slots with a sign bit (the hashing
 * trick), so the vocabulary never has to be stored and unseen words cost nothing.
 */
import type { StepContext } from '../core/messages.js';
import { actionKey, parseReply } from '../agent/parse.js';
import { seedFrom } from '../core/rng.js';
import {
  contentWords,
  countBucket,
  looksLikeFailure,
  splitCommand,
  words,
} from './text-features.js';

/** Bump when the features change in a way that invalidates saved models. */
export const FEATURIZER_VERSION = 1;

export interface FeaturizerConfig {
  version: number;
  /** log2 of the number of hashed slots. */
  dimBits: number;
  /** Caps on the words taken from each source, to bound cost on long pages. */
  maxTaskWords: number;
  maxObservationWords: number;
  maxThoughtWords: number;
  maxArgWords: number;
  /** Weight of the context-only group (it cancels in a linear model; the MLP can use it). */
  contextScale: number;
  /**
   * Weight of the word-identity bags (argument, thought and context words): 0 leaves only
   * features that name no word of a task (verbs, grounding, repetition, sequencing).
   * Absent in older model files (= 1).
   */
  lexicalScale?: number;
}

export const DEFAULT_FEATURIZER: FeaturizerConfig = {
  version: FEATURIZER_VERSION,
  dimBits: 16,
  maxTaskWords: 64,
  maxObservationWords: 400,
  maxThoughtWords: 48,
  maxArgWords: 16,
  contextScale: 0.5,
  // Word identities memorise the training tasks; on held-out tasks of the train split the
  // relational features alone rated pairs better at every size we tried (docs/qmodel.md).
  lexicalScale: 0,
};

/** A sparse vector: parallel slot indices and values (a slot may repeat; values add up). */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** Slot and sign of a named feature: the low bits of its FNV-1a hash pick the slot, the top bit the sign. */
export function hashFeature(name: string, dimBits: number): { slot: number; sign: 1 | -1 } {
  const h = seedFrom(name);
  return { slot: h & ((1 << dimBits) - 1), sign: h & 0x80000000 ? -1 : 1 };
}

class SparseBuilder {
  private readonly idx: number[] = [];
  private readonly val: number[] = [];
  constructor(private readonly dimBits: number) {}

  add(name: string, value = 1): void {
    if (value === 0) return;
    // A sign per feature, so colliding features cancel on average instead of piling up.
    const { slot, sign } = hashFeature(name, this.dimBits);
    this.idx.push(slot);
    this.val.push(sign * value);
  }

  /** A bag of words under one prefix, scaled by 1/sqrt(n) so long texts do not dominate. */
  addBag(prefix: string, tokens: readonly string[], scale = 1): void {
    if (tokens.length === 0) return;
    const v = scale / Math.sqrt(tokens.length);
    for (const t of tokens) this.add(`${prefix}${t}`, v);
  }

  build(): SparseVector {
    return { idx: Int32Array.from(this.idx), val: Float32Array.from(this.val) };
  }
}

/** What the featuriser derives once per decision point, shared by all its candidates. */
export interface ContextSummary {
  step: number;
  taskWords: Set<string>;
  lastObservation: string;
  lastObservationWords: Set<string>;
  anyObservationWords: Set<string>;
  previousActionKeys: Set<string>;
  lastActionKey: string;
  previousArgs: Set<string>;
  previousVerbs: string[];
  lastVerb: string;
  lastFailed: boolean;
  /** Task words already used in an earlier action's argument. */
  coveredTaskWords: Set<string>;
}

/** `none` for no action at all, `bare` for an action without a verb (`[x]`). */
function verbName(action: string, verb: string): string {
  return action ? verb || 'bare' : 'none';
}

export function summarizeContext(ctx: StepContext, cfg: FeaturizerConfig): ContextSummary {
  const taskWords = new Set(contentWords(ctx.task, cfg.maxTaskWords));
  const anyObservationWords = new Set<string>();
  const previousActionKeys = new Set<string>();
  const previousArgs = new Set<string>();
  const previousVerbs: string[] = [];
  const coveredTaskWords = new Set<string>();
  for (const step of ctx.history) {
    for (const w of contentWords(step.observation, cfg.maxObservationWords))
      anyObservationWords.add(w);
    previousActionKeys.add(actionKey(step.action));
    const { verb, arg } = splitCommand(step.action);
    previousVerbs.push(verbName(step.action, verb));
    if (arg) previousArgs.add(arg.toLowerCase());
    for (const w of contentWords(arg)) if (taskWords.has(w)) coveredTaskWords.add(w);
  }
  const last = ctx.history[ctx.history.length - 1];
  const lastObservation = last?.observation ?? '';
  return {
    step: ctx.history.length,
    taskWords,
    lastObservation: lastObservation.toLowerCase(),
    lastObservationWords: new Set(contentWords(lastObservation, cfg.maxObservationWords)),
    anyObservationWords,
    previousActionKeys,
    lastActionKey: last ? actionKey(last.action) : '',
    previousArgs,
    previousVerbs,
    lastVerb: previousVerbs[previousVerbs.length - 1] ?? 'start',
    lastFailed: last ? looksLikeFailure(last.observation) : false,
    coveredTaskWords,
  };
}

function fraction(tokens: readonly string[], inSet: (t: string) => boolean): number {
  if (tokens.length === 0) return 0;
  let n = 0;
  for (const t of tokens) if (inSet(t)) n++;
  return n / tokens.length;
}

/** Features of one candidate step at the summarised decision point. */
export function featurize(
  summary: ContextSummary,
  candidate: string,
  cfg: FeaturizerConfig,
): SparseVector {
  const f = new SparseBuilder(cfg.dimBits);
  const parsed = parseReply(candidate);
  const { verb: rawVerb, arg } = splitCommand(parsed.action);
  const verb = verbName(parsed.action, rawVerb);
  const argWords = contentWords(arg, cfg.maxArgWords);
  const thoughtWords = contentWords(parsed.thought, cfg.maxThoughtWords);
  const thoughtSeq = words(parsed.thought, cfg.maxThoughtWords);
  const stepBucket = Math.min(summary.step, 12);

  // Candidate alone.
  const lex = cfg.lexicalScale ?? 1;
  f.add(`v=${verb}`);
  f.addBag('a=', argWords, lex);
  f.addBag(`va=${verb}|`, argWords, lex);
  f.addBag('t=', thoughtWords, lex);
  const bigrams: string[] = [];
  for (let i = 1; i < thoughtSeq.length; i++) bigrams.push(`${thoughtSeq[i - 1]}_${thoughtSeq[i]}`);
  f.addBag('tb=', bigrams, lex);
  f.add(`v=${verb}|alen=${countBucket(argWords.length)}`);
  f.add(`tlen=${countBucket(thoughtSeq.length)}`);
  if (thoughtWords.includes(verb)) f.add(`v=${verb}|named_in_thought`);

  // Context alone (shared by every candidate of a decision point).
  const cs = cfg.contextScale;
  f.add(`step=${stepBucket}`, cs);
  f.add(`lv=${summary.lastVerb}`, cs);
  f.add(`lfail=${summary.lastFailed ? 1 : 0}`, cs);
  f.addBag('pv=', [...new Set(summary.previousVerbs)], cs);
  f.addBag('ct=', [...summary.taskWords], cs * lex);
  f.addBag('co=', [...summary.lastObservationWords].slice(0, cfg.maxTaskWords), cs * lex);

  // Interaction: grounding of the argument, repetition, sequencing.
  const lowerArg = arg.toLowerCase();
  const grounding: Array<[string, number]> = [
    ['arg_in_task', fraction(argWords, (t) => summary.taskWords.has(t))],
    ['arg_in_last_obs', fraction(argWords, (t) => summary.lastObservationWords.has(t))],
    ['arg_in_any_obs', fraction(argWords, (t) => summary.anyObservationWords.has(t))],
    ['arg_in_thought', fraction(argWords, (t) => thoughtWords.includes(t))],
    [
      'arg_new_task_words',
      fraction(argWords, (t) => summary.taskWords.has(t) && !summary.coveredTaskWords.has(t)),
    ],
    [
      'arg_from_obs_not_task',
      fraction(argWords, (t) => summary.anyObservationWords.has(t) && !summary.taskWords.has(t)),
    ],
    ['thought_in_task', fraction(thoughtWords, (t) => summary.taskWords.has(t))],
    ['thought_in_last_obs', fraction(thoughtWords, (t) => summary.lastObservationWords.has(t))],
    ['arg_phrase_in_last_obs', lowerArg && summary.lastObservation.includes(lowerArg) ? 1 : 0],
    ['arg_empty', parsed.action && !arg ? 1 : 0],
  ];
  for (const [name, value] of grounding) {
    f.add(name, value);
    f.add(`v=${verb}|${name}`, value);
  }
  const key = actionKey(parsed.action);
  const repeats = summary.previousActionKeys.has(key) ? 1 : 0;
  const repeatsLast = key !== '' && key === summary.lastActionKey ? 1 : 0;
  const repeatsArg = !repeats && lowerArg !== '' && summary.previousArgs.has(lowerArg) ? 1 : 0;
  f.add(`v=${verb}|repeat=${repeats}`);
  f.add(`v=${verb}|repeat_last=${repeatsLast}`);
  f.add(`v=${verb}|repeat_arg=${repeatsArg}`);
  f.add(`v=${verb}|lv=${summary.lastVerb}`);
  f.add(`v=${verb}|lfail=${summary.lastFailed ? 1 : 0}`);
  f.add(`v=${verb}|lv=${summary.lastVerb}|lfail=${summary.lastFailed ? 1 : 0}`);
  f.add(`v=${verb}|step=${stepBucket}`);
  f.add(`v=${verb}|used_before=${summary.previousVerbs.includes(verb) ? 1 : 0}`);
  return f.build();
}

/** Features of every candidate at one decision point (the context is summarised once). */
export function featurizeCandidates(
  ctx: StepContext,
  candidates: readonly string[],
  cfg: FeaturizerConfig,
): SparseVector[] {
  const summary = summarizeContext(ctx, cfg);
  return candidates.map((c) => featurize(summary, c, cfg));
}
