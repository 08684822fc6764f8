/**
 * Parsing an LLM reply into thought and action. Tolerant of case, spacing, numbering
 * (`Action 2:`), markdown decoration, missing or extra brackets and extra lines; output
 * it cannot read becomes an empty (invalid) action, never an exception. The canonical
 * text rebuilt here is what trees, pairs and Q-scoring all store, so the three always
 * see the same string.
 */
export interface ParsedStep {
  thought: string;
  /** The env command, e.g. `Search[Paris]`; '' when none could be read. */
  action: string;
  /** Canonical assistant text: `Thought: <thought>\nAction: <action>`. */
  text: string;
}

/** A label such as `Action:`, `Action 2:`, `**Action**:` at a word boundary. */
const ACTION_LABEL = /(?<![A-Za-z0-9_])action\s*\d*\s*\**\s*[:：]/i;
const THOUGHT_LABEL = /(?<![A-Za-z0-9_])thought\s*\d*\s*\**\s*[:：]/i;
/** Where a reply that ran on into an invented next turn must be cut. */
const RUN_ON_LABEL = /(?<![A-Za-z0-9_])(?:observation|thought|action)\s*\d*\s*\**\s*[:：]/i;
/** The same, at the start of a line: a new turn for certain. */
const LINE_RUN_ON_LABEL = /\n[\s`*_#>\-•]*(?:observation|thought|action)\s*\d*\s*\**\s*[:：]/i;
/** Markdown and quoting debris around labels and values. */
const DECORATION = /^[\s`*_#>\-•]+|[\s`*_#>\-•]+$/g;

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function undecorate(s: string): string {
  return collapse(s).replace(DECORATION, '');
}

/** Drops one pair of quotes wrapping the whole argument (`Search["X"]` -> `Search[X]`). */
function unquote(arg: string): string {
  const m = /^(["“”'`])(.*)(["“”'`])$/s.exec(arg);
  if (!m) return arg;
  const [, open, inner, close] = m;
  const pairs = open === close || (open === '“' && close === '”');
  return pairs && inner !== undefined && inner.trim() !== '' ? inner.trim() : arg;
}

/** The text between the `[` at `open` and its matching `]` (nesting counted), if it closes. */
function closedBracketArgument(s: string, open: number): string | undefined {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === '[') depth++;
    else if (ch === ']') {
      depth--;
      if (depth === 0) return stripOuterBrackets(s.slice(open + 1, i));
    }
  }
  return undefined;
}

/**
 * The text between the `[` at `open` and its matching `]`, or up to the end of the line
 * when it never closes. Redundant outer brackets (`Search[[X]]`) are dropped.
 */
function bracketArgument(s: string, open: number): string {
  const closed = closedBracketArgument(s, open);
  if (closed !== undefined) return closed;
  // Unclosed: keep the rest of the line, minus stray brackets and a final period.
  const firstLine = s.slice(open + 1).split('\n')[0] ?? '';
  return firstLine.replace(/^[\s[]+/, '').replace(/[\s\].]+$/, '');
}

function stripOuterBrackets(arg: string): string {
  let a = arg.trim();
  while (a.startsWith('[') && a.endsWith(']') && bracketArgumentIsWhole(a))
    a = a.slice(1, -1).trim();
  return a;
}

/** True when the `[` at 0 closes exactly at the end (so `[a] and [b]` is not stripped). */
function bracketArgumentIsWhole(a: string): boolean {
  let depth = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '[') depth++;
    else if (a[i] === ']' && --depth === 0) return i === a.length - 1;
  }
  return false;
}

/**
 * Brings `verb[arg]`, `verb [arg`, `verb[arg]]`, `verb(arg)`, `verb: arg` and `verb arg`
 * to `verb[arg]`. The verb keeps its spelling; values keep inner brackets and parentheses
 * (`click[12 inch (pack of 1)]`). Returns '' when nothing command-like is there.
 */
export function normalizeCommand(raw: string): string {
  let s = raw.replace(/\r\n?/g, '\n');
  // A command whose brackets close before any next-turn line wins as is, even when its
  // value holds a label-like word (`Search[Action: The Game]`).
  const lineRunOn = LINE_RUN_ON_LABEL.exec(s);
  const beforeNextTurn = (lineRunOn ? s.slice(0, lineRunOn.index) : s).replace(DECORATION, '');
  const early = /([A-Za-z_]+)\s*\[/.exec(beforeNextTurn.split('\n')[0] ?? '');
  if (early) {
    const closed = closedBracketArgument(beforeNextTurn, early.index + early[0].length - 1);
    if (closed !== undefined) return `${early[1]}[${collapse(unquote(collapse(closed)))}]`;
  }
  const runOn = RUN_ON_LABEL.exec(s);
  if (runOn) s = s.slice(0, runOn.index);
  s = s.replace(DECORATION, '').replace(/^["']+|["']+$/g, '');
  if (!s.trim()) return '';
  // `verb[...]` anywhere on the first line (`I will Search[X]` still reads as Search[X]).
  const firstLine = s.split('\n')[0] ?? '';
  const bracketed = /([A-Za-z_]+)\s*\[/.exec(firstLine);
  if (bracketed) {
    const open = bracketed.index + bracketed[0].length - 1;
    return `${bracketed[1]}[${collapse(unquote(collapse(bracketArgument(s, open))))}]`;
  }
  const line = firstLine.trim();
  let m = /^([A-Za-z_]+)\s*\((.*?)\)?\s*\.?$/.exec(line);
  if (m) return `${m[1]}[${collapse(unquote(collapse(m[2] ?? '')))}]`;
  m = /^([A-Za-z_]+)\s*(?::\s*|\s+)(.+?)\s*\.?$/.exec(line);
  if (m) return `${m[1]}[${collapse(unquote(collapse(m[2] ?? '')))}]`;
  // A lone word (`finish`) stays as written so the env can call it invalid; debris is no action.
  return /[A-Za-z0-9]/.test(line) ? collapse(line) : '';
}

function thoughtFrom(before: string): string {
  const label = THOUGHT_LABEL.exec(before);
  return undecorate(label ? before.slice(label.index + label[0].length) : before);
}

/**
 * The `Action:` label that starts the command. A label at the start of a line wins;
 * otherwise the first one followed by something command-like, so a thought such as
 * "the next course of action: check the page" does not steal the action.
 */
function findActionLabel(text: string): { index: number; end: number } | undefined {
  const all = [...text.matchAll(new RegExp(ACTION_LABEL.source, 'gi'))];
  if (all.length === 0) return undefined;
  const span = (m: RegExpMatchArray) => ({
    index: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
  });
  const atLineStart = all.find((m) => /(?:^|\n)[\s`*_#>\-•]*$/.test(text.slice(0, m.index)));
  if (atLineStart) return span(atLineStart);
  const commandLike = all.find((m) =>
    /^[\s`*_"']*[A-Za-z_]+\s*[[(]/.test(text.slice((m.index ?? 0) + m[0].length)),
  );
  return span(commandLike ?? (all[0] as RegExpMatchArray));
}

/** Where a reply's thought and command are: the text before and after the action label. */
function splitReply(raw: string): { before: string; command: string | undefined } {
  const text = raw.replace(/\r\n?/g, '\n');
  const actionMatch = findActionLabel(text);
  if (actionMatch)
    return { before: text.slice(0, actionMatch.index), command: text.slice(actionMatch.end) };
  // No `Action:` label: accept a bare `verb[arg]` line, else everything is thought.
  const lines = text.split('\n');
  const bare = lines.findIndex((line) => /^[\s`*_#>\-•]*[A-Za-z_]+\s*\[/.test(line));
  if (bare >= 0)
    return { before: lines.slice(0, bare).join('\n'), command: lines.slice(bare).join('\n') };
  // Cut an invented `Observation:` so the thought does not swallow it.
  const runOn = /(?<![A-Za-z0-9_])observation\s*\d*\s*\**\s*[:：]/i.exec(text);
  return { before: runOn ? text.slice(0, runOn.index) : text, command: undefined };
}

/**
 * A reply already in canonical form with a bracket-free command on one line
 * (`Thought: T\nAction: verb[arg]`): what trees, the embedded heuristic and most LLM turns in
 * a stored conversation look like. For these the general reading below reduces to tidying T
 * and arg (the only line-start label is the `Action:` one, the command closes at once), so
 * the shortcut skips the label search; a test checks both readings agree.
 */
const CANONICAL_REPLY = /^Thought: ([^\n\r]*)\nAction: ([A-Za-z][A-Za-z_]*)\[([^[\]\n\r]*)\]$/;

function canonicalAction(match: RegExpExecArray): string {
  return `${match[2]}[${collapse(unquote(collapse(match[3] ?? '')))}]`;
}

export function parseReply(raw: string): ParsedStep {
  const canonical = CANONICAL_REPLY.exec(raw);
  if (!canonical) return parseReplyByLabels(raw);
  const thought = undecorate(canonical[1] ?? '');
  const action = canonicalAction(canonical);
  return { thought, action, text: canonicalText(thought, action) };
}

/** parseReply(raw).action without reading the thought (readers of a whole conversation). */
export function parseAction(raw: string): string {
  const canonical = CANONICAL_REPLY.exec(raw);
  if (canonical) return canonicalAction(canonical);
  const { command } = splitReply(raw);
  return command === undefined ? '' : normalizeCommand(command);
}

/** The general reading of any reply (parseReply without its shortcut for canonical text). */
export function parseReplyByLabels(raw: string): ParsedStep {
  const { before, command } = splitReply(raw);
  const thought = thoughtFrom(before);
  const action = command === undefined ? '' : normalizeCommand(command);
  return { thought, action, text: canonicalText(thought, action) };
}

export function canonicalText(thought: string, action: string): string {
  return `Thought: ${thought}\nAction: ${action}`;
}

/** Dedup key: two candidates are the same step when their normalised actions are equal. */
export function actionKey(action: string): string {
  return collapse(action)
    .toLowerCase()
    .replace(/\s*\[\s*/, '[')
    .replace(/\s*\]$/, ']');
}

/**
 * The distinct steps of a batch of replies: dedup on the normalised action, first occurrence
 * wins (the method's rule for expansion and for Q-guided acting), plus, for every raw reply,
 * the index of its distinct step.
 */
export function distinctSteps(replies: readonly string[]): {
  steps: ParsedStep[];
  sourceOf: number[];
} {
  const indexByKey = new Map<string, number>();
  const steps: ParsedStep[] = [];
  const sourceOf: number[] = [];
  for (const raw of replies) {
    const step = parseReply(raw);
    const key = actionKey(step.action);
    let index = indexByKey.get(key);
    if (index === undefined) {
      index = steps.length;
      indexByKey.set(key, index);
      steps.push(step);
    }
    sourceOf.push(index);
  }
  return { steps, sourceOf };
}
