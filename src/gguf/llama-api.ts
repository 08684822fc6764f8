/**
 * The part of node-llama-cpp's API that stepq uses, declared structurally. node-llama-cpp is
 * an optional dependency, so no file may import its types statically: `tsc` must pass
 * without it installed. Names and shapes follow node-llama-cpp 3.22.1.
 */

export type Token = number;

export interface LlamaTextLike {
  tokenize(tokenizer: unknown): Token[];
}

export interface ChatHistoryItem {
  type: 'system' | 'user' | 'model';
  text?: string;
  response?: string[];
}

export interface ChatWrapperLike {
  readonly wrapperName: string;
  generateContextState(options: { chatHistory: ChatHistoryItem[] }): {
    contextText: LlamaTextLike;
    stopGenerationTriggers: LlamaTextLike[];
  };
}

export interface LogitsRequest {
  generateNext?: {
    logits?: { filter: { tokens: readonly Token[]; includeTop?: number } } | boolean;
    probabilities?: boolean;
    totalLogitWeight?: boolean;
  };
}

export type ControlledInput = Token | [Token, LogitsRequest];

export interface ControlledOutput {
  next: {
    logits?: Map<Token, number>;
    probabilities?: Map<Token, number>;
    totalLogitWeight?: number;
  };
}

export interface SamplingOptions {
  temperature?: number;
  topP?: number;
  topK?: number;
  minP?: number;
  seed?: number;
}

export interface LlamaSequenceLike {
  readonly nextTokenIndex: number;
  readonly contextTokens: Token[];
  readonly contextSize: number;
  readonly context: LlamaContextLike;
  eraseContextTokenRanges(ranges: Array<{ start: number; end: number }>): Promise<void>;
  clearHistory(): Promise<void>;
  evaluate(
    tokens: Token[],
    options?: SamplingOptions,
  ): AsyncGenerator<Token, void, void | Token | Token[]>;
  evaluateWithoutGeneratingNewTokens(tokens: Token[]): Promise<void>;
  controlledEvaluate(input: ControlledInput[]): Promise<Array<ControlledOutput | undefined>>;
  dispose(): Promise<void>;
}

export interface LlamaContextLike {
  readonly contextSize: number;
  getSequence(): LlamaSequenceLike;
  dispose(): Promise<void>;
}

export interface LlamaModelLike {
  readonly tokenizer: unknown;
  readonly tokens: { readonly bos: Token | null; readonly shouldPrependBosToken: boolean };
  readonly trainContextSize: number;
  tokenize(text: string, specialTokens?: boolean): Token[];
  detokenize(tokens: readonly Token[], specialTokens?: boolean): string;
  isEogToken(token: Token | undefined): boolean;
  createContext(options: {
    contextSize?: number;
    sequences?: number;
    threads?: number;
    lora?: { adapters: Array<{ filePath: string; scale?: number }> };
  }): Promise<LlamaContextLike>;
  dispose(): Promise<void>;
}

export interface LlamaLike {
  loadModel(options: { modelPath: string }): Promise<LlamaModelLike>;
  dispose(): Promise<void>;
}

/** The module namespace of `node-llama-cpp`, as far as stepq uses it. */
export interface NodeLlamaCppModule {
  getLlama(options: {
    /** false (CPU), 'auto', or a backend name such as 'cuda'. */
    gpu?: false | string;
    build?: 'never';
    logLevel?: unknown;
    progressLogs?: boolean;
  }): Promise<LlamaLike>;
  resolveChatWrapper(model: LlamaModelLike): ChatWrapperLike;
  LlamaLogLevel: { error: unknown; warn: unknown };
}
