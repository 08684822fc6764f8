/**
 * The proxy's decision log: one JSON line per request (format `stepq.decision/1`), appended
 * in order, each line written whole so a crash leaves at most the last line missing.
 * `stepq view FILE` opens it. No request header, key or URL credential is ever written.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { ScoredCandidate } from './decide.js';

export const DECISION_FORMAT = 'stepq.decision/1';

export interface DecisionRecord {
  time: string;
  decision: 'qguided' | 'passthrough';
  reason?: string;
  model: string;
  task?: string;
  depth?: number;
  /** The observation the decision answers (the last one in the conversation). */
  observation?: string;
  style?: string;
  qmodel?: string;
  n?: number;
  chosen?: number | null;
  candidates?: ScoredCandidate[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  upstreamMs?: number;
  overheadMs?: number;
}

export class DecisionLog {
  private readonly stream: WriteStream;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { flags: 'a' });
  }

  append(record: DecisionRecord): void {
    this.stream.write(`${JSON.stringify({ format: DECISION_FORMAT, ...record })}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
