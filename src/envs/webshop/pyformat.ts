/** Python's `str(float)` and `str.strip()`, which WebShop's visible text depends on. */
import { isJsWhitespace } from '../../text/whitespace.js';

/** `str(x)` for a Python float: shortest round-trip digits, ".0" on integers, exponent outside [1e-4, 1e16). */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expPart] = x.toExponential().split('e') as [string, string];
  const exp = Number(expPart);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let body: string;
  if (exp < -4 || exp >= 16) {
    const frac = digits.slice(1);
    body = `${digits[0]}${frac ? `.${frac}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return negative ? `-${body}` : body;
}

/**
 * Python's str.isspace() for one UTF-16 code unit (the set is all in the BMP): JavaScript's
 * whitespace without the BOM (U+FEFF), plus the separators U+001C..U+001F and NEL (U+0085).
 */
function isPySpace(c: number): boolean {
  if (c === 0xfeff) return false;
  return isJsWhitespace(c) || (c >= 0x1c && c <= 0x1f) || c === 0x85;
}

/**
 * Python `s.strip()` with no argument. A scan from both ends: a `^[...]+|[...]+$` regex retries
 * the trailing class at every position, which made it a visible cost of rendering pages.
 */
export function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isPySpace(s.charCodeAt(a))) a++;
  while (b > a && isPySpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Python `s.strip(chars)`. */
export function pyStripChars(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s[a] as string)) a++;
  while (b > a && chars.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}
