/**
 * WebShop's "text" observation of an HTML page (docs/webshop-port.md#html-to-text), as BeautifulSoup's
 * html.parser + `tag_visible` + `' [SEP] '.join(t.strip() ...)` produce it, and the
 * clickables the gym text env derives from the same page. A small HTML scanner of our
 * own: text nodes, void elements, raw script/style, comments, entities. The in-process
 * renderer (pages.ts) uses `textSegment` so both paths apply one rule.
 */
import { pyStrip } from './pyformat.js';

const ASCII_SPACE = /^[ \n\t\f\r]*$/;

/**
 * One text node's contribution to the observation: none for an empty string or for
 * pure ASCII whitespace containing a newline (BeautifulSoup turns it into "\n", which is
 * dropped), an empty segment for other pure whitespace (" "), else the stripped text.
 */
export function textSegment(text: string, preserveWhitespace = false): string | undefined {
  if (text === '') return undefined;
  // Inside <pre>/<textarea> BeautifulSoup keeps whitespace-only strings as they are.
  if (!preserveWhitespace && ASCII_SPACE.test(text)) return text.includes('\n') ? undefined : '';
  if (text === '\n') return undefined;
  return pyStrip(text);
}

export const SEP = ' [SEP] ';

const IGNORED_PARENTS = new Set(['style', 'script', 'head', 'title', 'meta']);
const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'keygen',
  'link',
  'menuitem',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
  'basefont',
  'bgsound',
  'command',
  'frame',
  'image',
  'isindex',
  'nextid',
  'spacer',
]);
const RAW_TEXT = new Set(['script', 'style']);
const PRESERVE_WHITESPACE = new Set(['pre', 'textarea']);

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bull: '•',
  middot: '·',
  deg: '°',
  times: '×',
  divide: '÷',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  laquo: '«',
  raquo: '»',
  rsaquo: '›',
  lsaquo: '‹',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  plusmn: '±',
  micro: 'µ',
  eacute: 'é',
};

/** Decodes character references the way html.parser + BeautifulSoup do for the cases WebShop pages contain. */
export function decodeEntities(text: string): string {
  return text.replace(
    /&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z][a-zA-Z0-9]*);?/g,
    (whole, ref: string) => {
      if (ref[0] === '#') {
        const code =
          ref[1] === 'x' || ref[1] === 'X'
            ? parseInt(ref.slice(2), 16)
            : parseInt(ref.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      const ch = NAMED_ENTITIES[ref];
      return ch !== undefined && whole.endsWith(';') ? ch : whole;
    },
  );
}

interface Attrs {
  [name: string]: string;
}

function parseAttributes(source: string): Attrs {
  const attrs: Attrs = {};
  const re = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  for (const m of source.matchAll(re)) {
    const name = (m[1] as string).toLowerCase();
    if (name in attrs) continue; // html.parser keeps duplicates; BeautifulSoup's first-wins is close enough here
    attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

interface OpenElement {
  name: string;
  attrs: Attrs;
  /** Collects get_text() for clickable buttons and product links. */
  text?: string[];
}

export interface ParsedPage {
  /** The observation's segments (already stripped, dropped "\n" nodes removed). */
  segments: string[];
  /** The gym text env's clickables, in its order: buttons and product links, then radio values. */
  clickables: string[];
  /** Radio options as (name attribute, value). */
  radios: Array<{ name: string; value: string }>;
  /** Lower-cased texts of product links (ASINs). */
  productLinks: string[];
}

function hasClass(attrs: Attrs, cls: string): boolean {
  return (attrs.class ?? '').split(/\s+/).includes(cls);
}

/** Parses a rendered WebShop page into its text segments and clickables. */
export function parseWebshopHtml(html: string): ParsedPage {
  const segments: string[] = [];
  const stack: OpenElement[] = [];
  const linkEntries: Array<{ kind: 'button' | 'link'; el: OpenElement }> = [];
  const radios: Array<{ name: string; value: string }> = [];
  let pendingText = '';

  const flushText = () => {
    if (pendingText === '') return;
    const text = decodeEntities(pendingText);
    pendingText = '';
    const parent = stack[stack.length - 1];
    for (const el of stack) el.text?.push(text);
    if (!parent || IGNORED_PARENTS.has(parent.name)) return;
    const seg = textSegment(
      text,
      stack.some((el) => PRESERVE_WHITESPACE.has(el.name)),
    );
    if (seg !== undefined) segments.push(seg);
  };
  const popTo = (name: string) => {
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i]?.name === name) {
        stack.length = i;
        return;
      }
    }
  };

  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      pendingText += html.slice(i);
      break;
    }
    pendingText += html.slice(i, lt);
    if (html.startsWith('<!--', lt)) {
      flushText();
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (html.startsWith('<!', lt) || html.startsWith('<?', lt)) {
      flushText();
      const end = html.indexOf('>', lt + 2);
      i = end < 0 ? n : end + 1;
      continue;
    }
    const endTag = /^<\/([a-zA-Z][^\s/>]*)[^>]*>/.exec(html.slice(lt, lt + 256));
    if (endTag) {
      flushText();
      popTo((endTag[1] as string).toLowerCase());
      i = lt + endTag[0].length;
      continue;
    }
    const startTag = /^<([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/.exec(html.slice(lt));
    if (!startTag) {
      pendingText += '<';
      i = lt + 1;
      continue;
    }
    flushText();
    const name = (startTag[1] as string).toLowerCase();
    const rawAttrs = startTag[2] as string;
    const attrs = parseAttributes(rawAttrs);
    i = lt + startTag[0].length;
    const el: OpenElement = { name, attrs };
    if (hasClass(attrs, 'btn')) {
      el.text = [];
      linkEntries.push({ kind: 'button', el });
    } else if (hasClass(attrs, 'product-link')) {
      el.text = [];
      linkEntries.push({ kind: 'link', el });
    }
    if (name === 'input' && (attrs.type ?? '').toLowerCase() === 'radio')
      radios.push({ name: attrs.name ?? '', value: attrs.value ?? '' });
    if (RAW_TEXT.has(name)) {
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      const end = close < 0 ? n : close;
      stack.push(el);
      pendingText = html.slice(i, end);
      flushText();
      stack.pop();
      const gt = close < 0 ? -1 : html.indexOf('>', close);
      i = gt < 0 ? n : gt + 1;
      continue;
    }
    if (VOID_ELEMENTS.has(name) || rawAttrs.trimEnd().endsWith('/')) continue;
    stack.push(el);
  }
  flushText();

  // find_all(class_='btn') + find_all(class_='product-link'): buttons first, then links.
  const ordered = [
    ...linkEntries.filter((e) => e.kind === 'button'),
    ...linkEntries.filter((e) => e.kind === 'link'),
  ];
  const keys = new Map<string, true>();
  for (const e of ordered) keys.set((e.el.text ?? []).join('').toLowerCase(), true);
  for (const r of radios) keys.set(r.value, true);
  return {
    segments,
    clickables: [...keys.keys()],
    radios,
    productLinks: linkEntries
      .filter((e) => e.kind === 'link')
      .map((e) => (e.el.text ?? []).join('').toLowerCase()),
  };
}

/** The text observation of a page: visible text nodes, stripped, joined with " [SEP] ". */
export function htmlToObservation(html: string): string {
  return parseWebshopHtml(html).segments.join(SEP);
}
