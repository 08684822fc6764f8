/**
 * HotpotQA answer scoring, as in the official evaluation script (hotpot_evaluate_v1.py):
 * normalise (lowercase, drop ASCII punctuation, drop the articles a/an/the, collapse
 * whitespace), then exact match and token-level F1.
 */

// Python's string.punctuation.
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

export function normalizeAnswer(s: string): string {
  let out = '';
  for (const ch of s.toLowerCase()) if (!PUNCTUATION.has(ch)) out += ch;
  return out
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

export function exactMatch(prediction: string, truth: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(truth) ? 1 : 0;
}

const SPECIAL = new Set(['yes', 'no', 'noanswer']);

/** Token F1; a yes/no/noanswer on either side scores only on an exact match (official rule). */
export function f1Score(prediction: string, truth: string): number {
  const p = normalizeAnswer(prediction);
  const t = normalizeAnswer(truth);
  if ((SPECIAL.has(p) || SPECIAL.has(t)) && p !== t) return 0;
  const pTokens = p.split(' ').filter(Boolean);
  const tTokens = t.split(' ').filter(Boolean);
  const counts = new Map<string, number>();
  for (const tok of tTokens) counts.set(tok, (counts.get(tok) ?? 0) + 1);
  let common = 0;
  for (const tok of pTokens) {
    const c = counts.get(tok) ?? 0;
    if (c > 0) {
      common++;
      counts.set(tok, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / pTokens.length;
  const recall = common / tTokens.length;
  return (2 * precision * recall) / (precision + recall);
}
