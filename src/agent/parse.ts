/**
 * Parsing an LLM reply into thought and action. Tolerant of case, spacing, missing
 * brackets and extra lines; output it cannot read becomes an empty (invalid) action,
 * never an exception. The canonical text rebuilt here is what trees, pairs and
 * Q-scoring all store, so the three always see the same string.
 */
export interface ParsedStep {
  thought: string;
  /** The env command, e.g. `Search[Paris]`; '' when none could be read. */
  action: string;
  /** Canonical assistant text: `Thought: <thought>\nAction: <action>`. */
  text: string;
}

const ACTION_LABEL = /(?:^|[\s>*#])action\s*\d*\s*[:：]\s*/i;
const THOUGHT_LABEL = /(?:^|[\s>*#])thought\s*\d*\s*[:：]\s*/i;
const STOP_MARKERS = /\b(?:observation\s*\d*\s*:|thought\s*\d*\s*:)/i;

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Brings `verb[arg]`, `verb [arg`, `verb: arg`, `verb(arg)` and `verb arg` to `verb[arg]`. */
export function normalizeCommand(raw: string): string {
  let s = raw.trim().replace(/^[`*"'\s]+|[`*"'\s]+$/g, '');
  const stop = STOP_MARKERS.exec(s);
  if (stop) s = s.slice(0, stop.index).trim();
  if (!s) return '';
  let m = /^([A-Za-z_]+)\s*\[(.*)\]\s*\.?$/s.exec(s);
  if (m) return `${m[1]}[${collapse(m[2] ?? '')}]`;
  m = /^([A-Za-z_]+)\s*\[(.*?)\](.*)$/s.exec(s);
  if (m) return `${m[1]}[${collapse(m[2] ?? '')}]`;
  m = /^([A-Za-z_]+)\s*\[(.*)$/s.exec(s);
  if (m) return `${m[1]}[${collapse(m[2] ?? '')}]`;
  m = /^([A-Za-z_]+)\s*\((.*?)\)?\s*$/s.exec(s);
  if (m) return `${m[1]}[${collapse(m[2] ?? '')}]`;
  m = /^([A-Za-z_]+)\s*[:\s]\s*(.+)$/s.exec(s);
  if (m) return `${m[1]}[${collapse(m[2] ?? '')}]`;
  return collapse(s);
}

export function parseReply(raw: string): ParsedStep {
  const text = raw.replace(/\r\n?/g, '\n');
  const actionMatch = ACTION_LABEL.exec(text);
  let thought = '';
  let actionPart = '';
  if (actionMatch) {
    const before = text.slice(0, actionMatch.index + (actionMatch[0].match(/^[\s>*#]/) ? 1 : 0));
    const thoughtMatch = THOUGHT_LABEL.exec(before);
    thought = collapse(thoughtMatch ? before.slice(thoughtMatch.index + thoughtMatch[0].length) : before);
    const after = text.slice(actionMatch.index + actionMatch[0].length);
    actionPart = after.split('\n').find((line) => line.trim() !== '') ?? '';
  } else {
    // No "Action:" label: accept a bare `verb[arg]` line, else keep everything as thought.
    const lines = text.split('\n');
    const bare = lines.findIndex((line) => /^\s*[A-Za-z_]+\s*\[/.test(line));
    if (bare >= 0) {
      actionPart = lines[bare] ?? '';
      const rest = lines.slice(0, bare).join(' ');
      const thoughtMatch = THOUGHT_LABEL.exec(rest);
      thought = collapse(thoughtMatch ? rest.slice(thoughtMatch.index + thoughtMatch[0].length) : rest);
    } else {
      const thoughtMatch = THOUGHT_LABEL.exec(text);
      thought = collapse(thoughtMatch ? text.slice(thoughtMatch.index + thoughtMatch[0].length) : text);
    }
  }
  const action = normalizeCommand(actionPart);
  return { thought, action, text: canonicalText(thought, action) };
}

export function canonicalText(thought: string, action: string): string {
  return `Thought: ${thought}\nAction: ${action}`;
}

/** Dedup key: two candidates are the same step when their normalised actions are equal. */
export function actionKey(action: string): string {
  return collapse(action).toLowerCase().replace(/\s*\[\s*/, '[').replace(/\s*\]$/, ']');
}
