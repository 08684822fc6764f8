/**
 * The in-process renderer: each WebShop page (docs/webshop-port.md#page-layouts) straight to the text
 * segments and clickables that the real templates + BeautifulSoup give, without building
 * HTML. Every template text node goes through `textSegment`, the same rule the HTML
 * extractor applies, so whitespace-only and empty fields behave alike on both paths.
 */
import { SEP, textSegment } from './html-text.js';
import { pyFloat } from './pyformat.js';
import type { Product } from './products.js';

export type SubPage = 'Description' | 'Features' | 'Reviews' | 'Attributes';
export const SUB_PAGES: readonly SubPage[] = ['Description', 'Features', 'Reviews', 'Attributes'];

export type Clickable =
  { kind: 'button' } | { kind: 'asin'; asin: string } | { kind: 'option'; name: string };

export interface RenderedPage {
  segments: string[];
  /** Lower-cased clickable text -> what it is, in the text env's order (a later entry of the same text wins). */
  clickables: Map<string, Clickable>;
}

export const BUTTON = {
  search: 'Search',
  backToSearch: 'Back to Search',
  next: 'Next >',
  prev: '< Prev',
  buyNow: 'Buy Now',
} as const;

/** What a render builds: the whole page, or only its clickables (what a step checks an action against). */
export type RenderMode = 'page' | 'clickables';

class PageBuilder {
  readonly segments: string[] = [];
  readonly clickables = new Map<string, Clickable>();

  constructor(private readonly mode: RenderMode = 'page') {}

  text(s: string): this {
    if (this.mode === 'clickables') return this;
    const seg = textSegment(s);
    if (seg !== undefined) this.segments.push(seg);
    return this;
  }

  button(label: string): this {
    this.clickables.set(label.toLowerCase(), { kind: 'button' });
    return this.text(label);
  }

  done(): RenderedPage {
    return { segments: this.segments, clickables: this.clickables };
  }
}

function header(instruction: string, mode: RenderMode): PageBuilder {
  return new PageBuilder(mode).text('Instruction:').text(instruction).button(BUTTON.backToSearch);
}

export function renderInit(instruction: string): RenderedPage {
  return new PageBuilder()
    .text('WebShop')
    .text('Instruction:')
    .text(instruction)
    .button(BUTTON.search)
    .done();
}

export function renderResults(
  instruction: string,
  page: number,
  total: number,
  products: readonly Product[],
  mode: RenderMode = 'page',
): RenderedPage {
  const b = header(instruction, mode).text(`Page ${page} (Total results: ${total})`);
  if (page > 1) b.button(BUTTON.prev);
  b.button(BUTTON.next);
  for (const p of products) {
    b.clickables.set(p.asin.toLowerCase(), { kind: 'asin', asin: p.asin });
    b.text(p.asin).text(p.title).text(p.priceTag);
  }
  return b.done();
}

export function renderItem(
  instruction: string,
  product: Product,
  showAttrs: boolean,
  mode: RenderMode = 'page',
): RenderedPage {
  const b = header(instruction, mode).button(BUTTON.prev);
  const radios: Array<[string, string]> = [];
  for (const option of product.options) {
    b.text(option.name);
    for (const value of option.values) {
      b.text(value);
      radios.push([value, option.name]);
    }
  }
  b.text(product.title).text(`Price: ${product.priceTag}`).text('Rating: N.A.');
  b.button('Description').button('Features').button('Reviews');
  if (showAttrs) b.button('Attributes');
  b.button(BUTTON.buyNow);
  // Radio values are added after all buttons and links, as the text env collects them.
  for (const [value, name] of radios) b.clickables.set(value, { kind: 'option', name });
  return b.done();
}

export function renderSubPage(instruction: string, product: Product, sub: SubPage): RenderedPage {
  const b = header(instruction, 'page').button(BUTTON.prev);
  if (sub === 'Description') b.text(product.description);
  else if (sub === 'Features') for (const bullet of product.bulletPoints) b.text(` ${bullet}`);
  else if (sub === 'Attributes') {
    for (const a of product.attributes) b.text(` ${a}`);
    b.text(product.category).text(product.query).text(product.productCategory);
  }
  // Reviews: the reviews file is never loaded, so the page lists nothing.
  return b.done();
}

/** Flask's `tojson`: sorted keys, ASCII-only, then `<>&'` escaped for HTML. */
export function flaskToJson(obj: Readonly<Record<string, string>>): string {
  const keys = Object.keys(obj).sort();
  const body = keys.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(obj[k])}`).join(', ');
  return `{${body}}`
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The done page as the text env renders it: most debug fields are None (rendered "None")
 * or empty, then the score as Python prints a float.
 */
export function renderDone(
  asin: string,
  options: Readonly<Record<string, string>>,
  reward: number,
): RenderedPage {
  const b = new PageBuilder()
    .text('Thank you for shopping with us!')
    .text('Your code: ')
    .text('None')
    .text(' (Paste it in your MTurk interface.)')
    .text('Purchased')
    .text('asin')
    .text(asin)
    .text('options')
    .text(flaskToJson(options));
  for (const label of ['attrs', 'category', 'query', 'product category'])
    b.text(label).text('None');
  b.text('Target');
  for (const label of [
    'asin',
    'options',
    'attrs',
    'price upper',
    'instuction text',
    'category',
    'product category',
    'query',
  ])
    b.text(label);
  b.text('Goal ')
    .text('None')
    .text('Reward')
    .text('Your score (min 0.0, max 1.0)')
    .text(pyFloat(reward))
    .text('Reward Details ')
    .text('None');
  return b.done();
}

export function observationText(page: RenderedPage): string {
  return page.segments.join(SEP);
}
