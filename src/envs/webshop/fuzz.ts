/**
 * `fuzz.token_set_ratio` of thefuzz 0.19 as WebShop installs it (no python-Levenshtein),
 * so the ratio is difflib's Ratcliff/Obershelp `SequenceMatcher(None, a, b).ratio()`
 * (docs/webshop-port.md#token-set-ratio). Strings are handled as code points, like Python.
 */
import { pythonStrRepr } from '../../text/python-repr.js';

/** Python `str(x)` for the values token_set_ratio sees: strings, or (name, value) tuples. */
export function pyStr(x: string | readonly string[]): string {
  if (typeof x === 'string') return x;
  const items = x.map(pythonStrRepr);
  return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
}

/** thefuzz `full_process` with force_ascii: drop code points 128-255, non-word -> space, lower, strip. */
export function fullProcess(s: string): string {
  return s
    .replace(/[\u0080-\u00ff]/g, '')
    .replace(/[^\p{L}\p{N}_]/gu, ' ')
    .toLowerCase()
    .trim();
}

function findLongestMatch(
  a: readonly string[],
  b: readonly string[],
  b2j: Map<string, number[]>,
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): [number, number, number] {
  let besti = alo;
  let bestj = blo;
  let bestsize = 0;
  let j2len = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const newj2len = new Map<number, number>();
    for (const j of b2j.get(a[i] as string) ?? []) {
      if (j < blo) continue;
      if (j >= bhi) break;
      const k = (j2len.get(j - 1) ?? 0) + 1;
      newj2len.set(j, k);
      if (k > bestsize) {
        besti = i - k + 1;
        bestj = j - k + 1;
        bestsize = k;
      }
    }
    j2len = newj2len;
  }
  // No junk function: these extensions only matter for "popular" elements removed by autojunk.
  while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
    besti--;
    bestj--;
    bestsize++;
  }
  while (
    besti + bestsize < ahi &&
    bestj + bestsize < bhi &&
    a[besti + bestsize] === b[bestj + bestsize]
  )
    bestsize++;
  return [besti, bestj, bestsize];
}

/** Total size of difflib's matching blocks (autojunk on, no isjunk). */
export function matchingCharacters(x: string, y: string): number {
  const a = Array.from(x);
  const b = Array.from(y);
  const b2j = new Map<string, number[]>();
  b.forEach((ch, j) => {
    const list = b2j.get(ch);
    if (list) list.push(j);
    else b2j.set(ch, [j]);
  });
  if (b.length >= 200) {
    const ntest = Math.floor(b.length / 100) + 1;
    for (const [ch, idxs] of [...b2j]) if (idxs.length > ntest) b2j.delete(ch);
  }
  let total = 0;
  const queue: Array<[number, number, number, number]> = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop() as [number, number, number, number];
    const [i, j, k] = findLongestMatch(a, b, b2j, alo, ahi, blo, bhi);
    if (k) {
      total += k;
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
  }
  return total;
}

/** Python `round()` on a float: half to even. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** thefuzz `fuzz.ratio` (equal -> 100, empty -> 0). */
export function ratio(x: string, y: string): number {
  if (x === y) return 100;
  if (!x || !y) return 0;
  const m = matchingCharacters(x, y);
  const length = Array.from(x).length + Array.from(y).length;
  return roundHalfEven(100 * ((2.0 * m) / length));
}

function byCodePoint(a: string, b: string): number {
  const ca = Array.from(a);
  const cb = Array.from(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = (ca[i] as string).codePointAt(0)! - (cb[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

export function tokenSetRatio(
  s1: string | readonly string[],
  s2: string | readonly string[],
): number {
  const p1 = fullProcess(pyStr(s1));
  const p2 = fullProcess(pyStr(s2));
  if (!p1 || !p2) return 0;
  const t1 = new Set(p1.split(/\s+/));
  const t2 = new Set(p2.split(/\s+/));
  const sect = [...t1]
    .filter((t) => t2.has(t))
    .sort(byCodePoint)
    .join(' ');
  const d1 = [...t1]
    .filter((t) => !t2.has(t))
    .sort(byCodePoint)
    .join(' ');
  const d2 = [...t2]
    .filter((t) => !t1.has(t))
    .sort(byCodePoint)
    .join(' ');
  const c1 = `${sect} ${d1}`.trim();
  const c2 = `${sect} ${d2}`.trim();
  return Math.max(ratio(sect, c1), ratio(sect, c2), ratio(c1, c2));
}
