/**
 * `get_reward` (docs/webshop-port.md#reward): type x (attributes + options + price) / (|attrs| + |options| + 1).
 * Known deviation: the title score uses heuristic H1 (content words by a regex and a
 * stop list) instead of spaCy's NOUN/PROPN tags; it reproduces every reward fact of the
 * official tests and all title facts but one (which stays on the same side of 0.2).
 */
import { tokenSetRatio } from './fuzz.js';
import { normalizeColor } from './normalize.js';
import { pyStrip } from './pyformat.js';
import { LUCENE_ENGLISH_STOP_WORDS } from '../../text/analyzer.js';
import type { GoalOption } from './goals.js';

export interface PurchasedInfo {
  query: string;
  productCategory: string;
  name: string;
  attributes: readonly string[];
  title: string;
  /** A list; a plain string is accepted because one official test passes one (its characters get space-joined). */
  bulletPoints: readonly string[] | string;
  description: string;
}

export interface GoalInfo {
  query: string;
  productCategory: string;
  name: string;
  attributes: readonly string[];
  goalOptions: readonly GoalOption[];
  priceUpper: number;
}

const TITLE_STOP_WORDS = new Set([
  ...LUCENE_ENGLISH_STOP_WORDS,
  'from',
  'off',
  'up',
  'down',
  'over',
  'under',
  'per',
  'via',
  'vs',
  'w',
  'without',
]);
const TITLE_TOKEN = /[A-Za-z0-9]+(?:[.'-][A-Za-z0-9]+)*/g;

/** H1: the lower-cased content words of a product name (stand-in for spaCy NOUN/PROPN tokens), with duplicates. */
export function titleWords(name: string): string[] {
  const out: string[] = [];
  for (const m of name.matchAll(TITLE_TOKEN)) {
    const t = m[0].toLowerCase();
    if (/[a-z]/.test(t) && !/[0-9]/.test(t) && !TITLE_STOP_WORDS.has(t)) out.push(t);
  }
  return out;
}

export interface TypeReward {
  rType: number;
  queryMatch: boolean;
  categoryMatch: boolean;
  titleScore: number;
}

export function typeReward(
  purchased: Pick<PurchasedInfo, 'query' | 'productCategory' | 'name'>,
  goal: Pick<GoalInfo, 'query' | 'productCategory' | 'name'>,
): TypeReward {
  const queryMatch = purchased.query === goal.query;
  // Python's str.strip(), not trim(): the whitespace sets differ (\x1c-\x1f, \x85, BOM).
  const levels = (s: string) => new Set(s.split('›').map(pyStrip));
  const goalLevels = levels(goal.productCategory);
  const shared = [...levels(purchased.productCategory)].filter((x) => goalLevels.has(x)).length;
  const categoryMatch = shared >= 2;
  const bought = new Set(titleWords(purchased.name));
  const wanted = titleWords(goal.name);
  const titleScore =
    wanted.length === 0
      ? 0.2
      : [...new Set(wanted)].filter((w) => bought.has(w)).length / wanted.length;
  let rType = 1.0;
  if (!(queryMatch || categoryMatch || titleScore > 0.2)) rType = 0.5;
  if (titleScore < 0.1) rType = 0.1;
  if (titleScore === 0) rType = 0.0;
  return { rType, queryMatch, categoryMatch, titleScore };
}

function joinedBullets(b: readonly string[] | string): string {
  return typeof b === 'string' ? Array.from(b).join(' ') : b.join(' ');
}

export function attributeReward(
  purchased: Pick<PurchasedInfo, 'attributes' | 'title' | 'bulletPoints' | 'description'>,
  goalAttributes: readonly string[],
): { rAttr: number; matches: number } {
  let matches = 0;
  let lowered: [string, string, string] | undefined;
  for (const g of goalAttributes) {
    if (purchased.attributes.some((p) => tokenSetRatio(p, g) > 85)) {
      matches++;
      continue;
    }
    lowered ??= [
      purchased.title.toLowerCase(),
      joinedBullets(purchased.bulletPoints).toLowerCase(),
      purchased.description.toLowerCase(),
    ];
    if (lowered.some((text) => text.includes(g))) matches++;
  }
  return { rAttr: matches / goalAttributes.length, matches };
}

/** Each goal option counts once if any purchased option value fuzzily matches it (after colour normalisation). */
export function optionReward(
  purchasedOptions: readonly string[],
  goalOptions: readonly GoalOption[],
): { rOption: number | null; matches: number } {
  const bought = purchasedOptions.map((o) => normalizeColor(o));
  const wanted = goalOptions.map((o) => normalizeColor(o));
  let matches = 0;
  for (const g of wanted) if (bought.some((p) => tokenSetRatio(p, g) > 85)) matches++;
  return { rOption: wanted.length > 0 ? matches / wanted.length : null, matches };
}

export interface RewardInfo extends TypeReward {
  rAttr: number;
  rOption: number | null;
  rPrice: number;
}

export function getReward(
  purchased: PurchasedInfo,
  goal: GoalInfo,
  price: number,
  options: Readonly<Record<string, string>>,
): { reward: number; info: RewardInfo } {
  const type = typeReward(purchased, goal);
  const rPrice = price <= goal.priceUpper ? 1 : 0;
  const attr = attributeReward(purchased, goal.attributes);
  const opt = optionReward(Object.values(options), goal.goalOptions);
  const total =
    ((attr.matches + opt.matches + rPrice) /
      (goal.attributes.length + goal.goalOptions.length + 1)) *
    type.rType;
  return { reward: total, info: { ...type, rAttr: attr.rAttr, rOption: opt.rOption, rPrice } };
}
