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
const SIZE_REGEXES = SIZE_PATTERNS.map((p) => new RegExp(p));

export function normalizeSize(size: string): string {
  const s = size.toLowerCase();
  const i = SIZE_REGEXES.findIndex((re) => re.test(s));
  if (i >= 0) return SIZE_PATTERNS[i] as string;
  return /^\d+$/.test(s.replace('.', '')) ? 'numeric_size' : 'not_matched';
}

/** `normalize_color_size` over (id, colour, size) keys: the colour and size mappings. */
export function normalizeColorSize(keys: ReadonlyArray<readonly [unknown, string, string]>): {
  colorMapping: Record<string, string>;
  sizeMapping: Record<string, string>;
} {
  const colorMapping: Record<string, string> = { 'N.A.': 'not_matched' };
  const sizeMapping: Record<string, string> = { 'N.A.': 'not_matched' };
  for (const [, color, size] of keys) {
    const c = color.toLowerCase();
    colorMapping[color] = COLOR_SET.find((x) => c.includes(x)) ?? 'not_matched';
    sizeMapping[size] = normalizeSize(size);
  }
  return { colorMapping, sizeMapping };
}
