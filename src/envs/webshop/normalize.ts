/** `normalize.py`: colour and size normalisation used by the option reward (docs/webshop-port.md#normalize). */

export const COLOR_SET: readonly string[] = (
  'alabaster apricot aqua ash asphalt azure banana beige black blue blush bordeaux bronze brown burgundy camel camo ' +
  'caramel champagne charcoal cheetah chestnut chocolate christmas coffee cognac copper coral cranberry cream crystal ' +
  'dark denim eggplant elephant espresso fuchsia gold granite grape graphite grass gray green grey heather indigo ivory ' +
  'ivy khaki lavender lemon leopard light lilac lime magenta maroon mauve merlot midnight mint mocha multicolor mushroom ' +
  'mustard natural navy nude olive orange peach pewter pink plum purple rainbow red rose royal rust sand sapphire ' +
  'seashell silver skull slate steel stone stonewash sunflower tan taupe teal tiger turquoise violet walnut wheat white wine yellow'
).split(' ');

/**
 * `normalize_color`: the first COLOR_SET entry contained in the string; for a (name, value)
 * pair (Python tuple membership) the first entry equal to the name or the value.
 */
export function normalizeColor<T extends string | readonly [string, string]>(value: T): string | T {
  if (typeof value === 'string') return COLOR_SET.find((c) => value.includes(c)) ?? value;
  return COLOR_SET.find((c) => value[0] === c || value[1] === c) ?? value;
}

export const SIZE_PATTERNS: readonly string[] = [
  'xx-large',
  '3x-large',
  '4x-large',
  '5x-large',
  'x-large',
  'x-small',
  'medium',
  'large',
  'small',
  'queen',
  'twin',
  'full',
  'king',
  'one size',
  'pack',
  '(.*)neck(.*)sleeve',
  '(.*) women \\| (.*) men',
  '(.*)w x(.*)l',
  '(.*)w by (.*)l',
  '(.*)w x(.*)h',
  '(.*)wide',
  '(.*)x-wide',
  '(.*)narrow',
  '(.*)petite',
  '(.*)inch',
  '(.*)plus',
  '(.*)mm',
  'women(.*)',
  '(.*)x(.*)',
  '(.*)ft',
  '(.*)feet',
  '(.*)meter',
  '(.*)yards',
  '(.*)\\*(.*)',
  '(.*)\\-(.*)',
  '(\\d+)"$',
  '(\\d+)f$',
  '(\\d+)m$',
  '(\\d+)cm$',
  '(\\d+)g$',
];
/**
 * A size pattern as Python's `re.search` reads it: `.` matches anything but `\n` (JS also
 * refuses `\r`, U+2028, U+2029), `$` also matches before a final `\n`, and `\d` is any
 * Unicode decimal digit.
 */
function pythonRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[++i]!;
      out +=
        next === 'd'
          ? '\\p{Nd}'
          : /[a-zA-Z0-9]/.test(next)
            ? `\\${next}`
            : `\\x${next.charCodeAt(0).toString(16).padStart(2, '0')}`;
    } else if (ch === '.') out += '[^\\n]';
    else if (ch === '$') out += '(?=\\n?$)';
    else out += ch;
  }
  return new RegExp(out, 'u');
}
const SIZE_REGEXES = SIZE_PATTERNS.map(pythonRegex);

/**
 * Python's `str.isdigit()`: Unicode decimal digits plus the other Numeric_Type=Digit
 * characters (superscripts, circled and parenthesised digits, ...; Python 3.11's table).
 */
const PY_DIGITS =
  /^[\p{Nd}\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792\u{10a40}-\u{10a43}\u{10e60}-\u{10e68}\u{11052}-\u{1105a}\u{1f100}-\u{1f10a}]+$/u;

/** The size class of an already lower-cased size string (normalize_color_size's size rules). */
export function normalizeSize(size: string): string {
  const i = SIZE_REGEXES.findIndex((re) => re.test(size));
  if (i >= 0) return SIZE_PATTERNS[i] as string;
  return PY_DIGITS.test(size.replace('.', '')) ? 'numeric_size' : 'not_matched';
}

/** `normalize_color_size` over (id, colour, size) keys: the colour and size mappings. */
export function normalizeColorSize(keys: ReadonlyArray<readonly [unknown, string, string]>): {
  colorMapping: Record<string, string>;
  sizeMapping: Record<string, string>;
} {
  const colorMapping: Record<string, string> = { 'N.A.': 'not_matched' };
  const sizeMapping: Record<string, string> = { 'N.A.': 'not_matched' };
  // Both maps are keyed by the lower-cased strings, as in Python.
  for (const [, color, size] of keys) {
    const c = color.toLowerCase();
    colorMapping[c] = COLOR_SET.find((x) => c.includes(x)) ?? 'not_matched';
    const s = size.toLowerCase();
    sizeMapping[s] = normalizeSize(s);
  }
  return { colorMapping, sizeMapping };
}
