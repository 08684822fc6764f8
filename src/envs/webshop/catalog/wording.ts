/**
 * Text pieces of the generated shop: brand names, titles, descriptions, bullets and
 * the human-style goal instructions. All wording is stepq's own.
 */
import type { Rng } from '../../../core/rng.js';
import type { ProductType } from './product-types.js';

const SYLLABLES_A = [
  've',
  'lo',
  'ka',
  'mi',
  'zen',
  'tor',
  'ar',
  'bel',
  'cas',
  'dor',
  'el',
  'fin',
  'gal',
  'hol',
  'ix',
  'jun',
  'kor',
  'lun',
  'mor',
  'nor',
  'ori',
  'pal',
  'quin',
  'ros',
  'sal',
  'tam',
  'ul',
  'vin',
  'wex',
  'yar',
];
const SYLLABLES_B = [
  'ra',
  'vo',
  'lex',
  'na',
  'rix',
  'tek',
  'ly',
  'mo',
  'dex',
  'sa',
  'ton',
  'ria',
  'vex',
  'ko',
  'nis',
  'pa',
  'qua',
  'ro',
  'sen',
  'ta',
  'vy',
  'zo',
];

/** A made-up brand, e.g. "VELORA" or "Kanis". */
export function makeBrand(rng: Rng): string {
  const word =
    rng.pick(SYLLABLES_A) + rng.pick(SYLLABLES_B) + (rng.chance(0.3) ? rng.pick(SYLLABLES_B) : '');
  return rng.chance(0.35) ? word.toUpperCase() : word[0]!.toUpperCase() + word.slice(1);
}

/** Memoised case changes: the inputs come from small pools, and a 1M-product run would otherwise make millions of copies. */
function memo(fn: (s: string) => string): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let out = cache.get(s);
    if (out === undefined) {
      out = fn(s);
      if (cache.size < 10_000) cache.set(s, out);
    }
    return out;
  };
}

/**
 * Joins pieces into one flat string. Template literals make V8 rope (cons) strings whose
 * nodes all stay alive; for a million products flat strings halve memory and GC time.
 */
export function cat(parts: readonly string[]): string {
  return parts.join('');
}

export const lower = memo((s) => s.toLowerCase());
export const upper = memo((s) => s.toUpperCase());

export const titleCase = memo((s) => s.replace(/\b[a-z]/g, (c) => c.toUpperCase()));

const PLURAL_NOUNS = /[^s]s$/i;

/** Article for a noun phrase in an instruction ("a", "an", "some" or none). */
function article(rng: Rng, phrase: string, nounIsPlural: boolean): string {
  if (nounIsPlural) return rng.chance(0.5) ? 'some ' : '';
  return /^([aeio]|u(?!s))/.test(phrase) ? 'an ' : 'a ';
}

const CLOSINGS = [
  'Questions? Our support team answers within a day.',
  'Every order is checked by hand before it ships.',
  'Thousands of customers have made it part of their routine.',
  '',
];

export interface ProductText {
  name: string;
  description: string;
  bullets: string[];
}

/** Title, description and bullets that mention exactly the given variant and attributes. */
export function productText(
  rng: Rng,
  type: ProductType,
  brand: string,
  variant: string,
  attributes: readonly string[],
  use: string,
): ProductText {
  const inTitle = attributes.slice(0, 1 + rng.int(Math.min(2, attributes.length)));
  const titleParts = [brand, ' ', variant, ' ', type.noun];
  if (rng.chance(0.6)) titleParts.push(' for ', titleCase(use));
  inTitle.forEach((a, i) => titleParts.push(i === 0 ? ' - ' : ', ', titleCase(a)));
  const name = cat(titleParts);
  // Templates are chosen by index so only the chosen text is built (a 1M run builds millions).
  const kind = lower(type.noun);
  const v = lower(variant);
  let opening: string[];
  switch (rng.int(3)) {
    case 0:
      opening = ['The ', brand, ' ', v, ' ', kind, ' is made for ', use, '.'];
      break;
    case 1:
      opening = ['Meet our ', v, ' ', kind, ', designed with ', use, ' in mind.'];
      break;
    default:
      opening = [brand, ' brings you a ', v, ' ', kind, ' you can rely on for ', use, '.'];
  }
  const closing = CLOSINGS[rng.int(CLOSINGS.length)]!;
  if (closing) opening.push(' ', closing);
  const description = rng.chance(0.1) ? '' : cat(opening);
  const bullets: string[] = [];
  for (const attribute of attributes) {
    switch (rng.int(3)) {
      case 0:
        bullets.push(cat([upper(attribute), ': chosen because it matters to you']));
        break;
      case 1:
        bullets.push(cat([titleCase(attribute), ' - one of the reasons people pick ', brand]));
        break;
      default:
        bullets.push(cat([titleCase(attribute), ': tested by our team before release']));
    }
  }
  const u = rng.int(3);
  bullets.push(
    cat(
      u === 0
        ? ['GREAT FOR ', upper(use)]
        : u === 1
          ? ['Ideal for ', use]
          : ['A good choice for ', use],
    ),
  );
  return { name, description, bullets: rng.shuffle(bullets) };
}

const OPENERS = [
  'i am looking for',
  "i'm looking for",
  'i need',
  'i want',
  'find me',
  'i would like',
  'looking for',
  'i want to buy',
  'please get me',
  'can you find me',
  'i am shopping for',
  'help me find',
];

/** Who or what a product is for ("sensitive skin"), something it has ("shea butter"), or a quality. */
const FOR_WHOM = /(skin|hair|hands)$/;
const HAS_PART =
  /(butter|oil|ingredients|sole|support|foam|pocket|closure|sleeve|fabric|wood|frame|legs|glass|space|alloy|design|sound|life|waist|vitamin e|acid|protein|sugar|assembly|protection|absorption|dissipation|install|carry|transfer)$/;

function attributeClause(rng: Rng, attribute: string, plural: boolean): string {
  if (FOR_WHOM.test(attribute))
    return rng.pick([` for ${attribute}`, ` suitable for ${attribute}`, `, good for ${attribute}`]);
  if (HAS_PART.test(attribute))
    return rng.pick([
      ` with ${attribute}`,
      ` that ${plural ? 'have' : 'has'} ${attribute}`,
      `, ${attribute}`,
    ]);
  const be = plural ? 'are' : 'is';
  return rng.pick([
    ` that ${be} ${attribute}`,
    `, ${attribute}`,
    ` and ${attribute}`,
    ` which ${be} ${attribute}`,
  ]);
}

export interface GoalWording {
  variant?: string;
  attributes: readonly string[];
  /** Normalised option values with their option name (lower case). */
  options: ReadonlyArray<{ name: string; value: string }>;
  brand?: string;
}

/** A human-style goal instruction (no price suffix: the engine adds it). */
export function goalInstruction(rng: Rng, type: ProductType, goal: GoalWording): string {
  const noun = type.noun.toLowerCase();
  const plural = PLURAL_NOUNS.test(noun);
  const [first, ...rest] = rng.chance(0.5) ? goal.attributes : [...goal.attributes].reverse();
  const pre: string[] = [];
  if (first && rng.chance(0.6)) pre.push(first);
  else if (first) rest.unshift(first);
  if (goal.brand) pre.push(goal.brand.toLowerCase());
  if (goal.variant) pre.push(goal.variant.toLowerCase());
  const phrase = [...pre, noun].join(' ');
  let text = `${rng.pick(OPENERS)} ${article(rng, phrase, plural)}${phrase}`;
  for (const attribute of rest) text += attributeClause(rng, attribute, plural);
  for (const option of goal.options) {
    if (option.name === 'color') {
      text += rng.pick([
        ` in ${option.value}`,
        `, ${option.value} color`,
        `. pick the ${option.value} one`,
        ` in the color ${option.value}`,
      ]);
    } else {
      text += rng.pick([
        ` in size ${option.value}`,
        `, size ${option.value}`,
        `. i want the ${option.value} one`,
        ` (${option.value})`,
      ]);
    }
  }
  return cat([text, rng.chance(0.15) ? '.' : '']);
}

/** The synthetic instruction of items_ins_v2 (a terse template, like the real ones). */
export function syntheticInstruction(
  rng: Rng,
  type: ProductType,
  attributes: readonly string[],
): string {
  const list = attributes.join(', ');
  const noun = lower(type.noun);
  switch (rng.int(3)) {
    case 0:
      return cat(['Find me ', list, ' ', noun]);
    case 1:
      return cat(['Show me a ', noun, ' that is ', list]);
    default:
      return cat(['Get ', noun, ' with ', list]);
  }
}
