import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedData, skipUnlessShared } from '../../testing/shared.js';
import { htmlToObservation, parseWebshopHtml, textSegment } from './html-text.js';
import {
  flaskToJson,
  observationText,
  renderDone,
  renderInit,
  renderItem,
  renderResults,
  renderSubPage,
  type RenderedPage,
  type SubPage,
} from './pages.js';
import { loadProductsFromValues, type Product } from './products.js';

function readShared(relative: string): string {
  return readFileSync(sharedData(relative) as string, 'utf8');
}

function sampleProducts(): Map<string, Product> {
  const items = JSON.parse(readShared('webshop/items_sample.json')) as unknown[];
  const insV2 = JSON.parse(readShared('webshop/items_ins_v2_1000.json')) as Record<string, unknown>;
  return new Map(
    loadProductsFromValues({ items, insV2 }, { goals: 'synthetic', priceSeed: 0 }).map((p) => [
      p.asin,
      p,
    ]),
  );
}

interface ObsFixture {
  page: string;
  params: Record<string, any>;
  observation: string;
  clickables: string[];
}

test('text-node rule: empty, whitespace with and without newline, stripping', () => {
  assert.equal(textSegment(''), undefined);
  assert.equal(textSegment('\n  '), undefined);
  assert.equal(textSegment(' '), '');
  assert.equal(textSegment('  a b \n'), 'a b');
  assert.equal(
    textSegment('\u00a0'),
    '',
    'non-ASCII whitespace is not collapsed, then strip() empties it',
  );
  assert.equal(textSegment('\n\n', true), '', 'inside <pre> whitespace is kept, then stripped');
  assert.equal(textSegment('\n', true), undefined);
  assert.deepEqual(
    parseWebshopHtml('<body><pre>\n\n</pre><div>\n\n</div><pre></pre></body>').segments,
    [''],
  );
});

test(
  'all 17 observation fixtures render byte-for-byte with their clickables',
  { skip: skipUnlessShared('webshop/obs-fixtures.json') },
  () => {
    const data = JSON.parse(readShared('webshop/obs-fixtures.json')) as {
      instruction_text: string;
      fixtures: ObsFixture[];
    };
    const products = sampleProducts();
    const instr = data.instruction_text;
    const get = (asin: string) => products.get(asin) as Product;
    assert.equal(data.fixtures.length, 17);
    for (const f of data.fixtures) {
      let page: RenderedPage;
      if (f.page === 'init') page = renderInit(f.params.instruction_text);
      else if (f.page === 'search_results')
        page = renderResults(
          instr,
          f.params.page,
          f.params.total,
          (f.params.products as string[]).map(get),
        );
      else if (f.page === 'item') page = renderItem(instr, get(f.params.asin), f.params.show_attrs);
      else if (f.page.startsWith('item_sub:'))
        page = renderSubPage(instr, get(f.params.asin), f.params.sub_page as SubPage);
      else throw new Error(`unknown fixture page ${f.page}`);
      const label = `${f.page} ${JSON.stringify(f.params).slice(0, 80)}`;
      assert.equal(observationText(page), f.observation, label);
      assert.deepEqual([...page.clickables.keys()], f.clickables, label);
    }
  },
);

// The recorded pages show a product that is not in the sample; rebuild it from what the pages show.
const PAGE_INSTRUCTION =
  'i want an xx-small sized slim fit button down shirt with long sleeves. pick something in white, and price lower than 50.00 dollars';

function recordedProduct(): Product {
  const feat = parseWebshopHtml(readShared('webshop/pages/mock_parse_item_page_ws_feat'));
  const desc = readShared('webshop/pages/mock_parse_item_page_ws_desc');
  const rawDescription = /<p class="product-info">([\s\S]*?)<\/p>/.exec(desc)?.[1] ?? '';
  return {
    asin: 'B09P87V3LZ',
    name: 'PMUYBHF Womens Fashion Flat Shoes Comfortable Running Shoes Sneakers Tennis Athletic Shoe Casual Walking Shoes',
    title:
      'PMUYBHF Womens Fashion Flat Shoes Comfortable Running Shoes Sneakers Tennis Athletic Shoe Casual Walking Shoes',
    description: rawDescription.replaceAll('&gt;', '>'),
    bulletPoints: feat.segments.slice(4).map((s) => `${s} `),
    priceTag: '$100.0',
    pricing: [100],
    hiddenPrice: 100,
    options: [
      { name: 'color', values: ['black', 'purple', 'red'] },
      { name: 'size', values: ['6.5', '7.5', '8', '8.5', '9'] },
    ],
    attributes: [],
    category: 'fashion',
    query: "women's mules & clogs",
    productCategory: 'Clothing, Shoes & Jewelry › Women › Shoes › Athletic › Walking',
    mainImage: '',
  };
}

test(
  'recorded HTML pages: the extractor and the in-process renderer agree',
  { skip: skipUnlessShared('webshop/pages/mock_parse_item_page_ws') },
  () => {
    const product = recordedProduct();
    const item = parseWebshopHtml(readShared('webshop/pages/mock_parse_item_page_ws'));
    const rendered = renderItem(PAGE_INSTRUCTION, product, false);
    assert.equal(item.segments.join(' [SEP] '), observationText(rendered));
    assert.deepEqual(item.clickables, [...rendered.clickables.keys()]);
    assert.deepEqual(item.radios.slice(0, 2), [
      { name: 'color', value: 'black' },
      { name: 'color', value: 'purple' },
    ]);

    const desc = readShared('webshop/pages/mock_parse_item_page_ws_desc');
    assert.equal(
      htmlToObservation(desc),
      observationText(renderSubPage(PAGE_INSTRUCTION, product, 'Description')),
    );
    assert.ok(
      htmlToObservation(desc).includes('INTRODUCTION:>>>>Our store'),
      'entities are decoded',
    );
    const feat = readShared('webshop/pages/mock_parse_item_page_ws_feat');
    assert.equal(
      htmlToObservation(feat),
      observationText(renderSubPage(PAGE_INSTRUCTION, product, 'Features')),
    );

    const results = parseWebshopHtml(readShared('webshop/pages/mock_parse_results_ws'));
    // Rebuild the listed products (ASIN, title, price) and render page 1 of 50.
    const listed: Product[] = [];
    for (let i = 5; i + 2 < results.segments.length; i += 3) {
      listed.push({
        ...product,
        asin: results.segments[i] as string,
        title: results.segments[i + 1] as string,
        priceTag: results.segments[i + 2] as string,
      });
    }
    assert.equal(listed.length, 10);
    const page = renderResults(PAGE_INSTRUCTION, 1, 50, listed);
    assert.equal(results.segments.join(' [SEP] '), observationText(page));
    assert.deepEqual(results.clickables, [...page.clickables.keys()]);
    assert.ok(!results.segments.includes('fashion'), 'the commented-out block is not text');
  },
);

test('HTML extractor details: scripts, styles, comments, void elements, entities, empty bullets', () => {
  const html = `<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body>
<script>if (a < b) { x = "</div>"; }</script><!-- hidden -->
<h4>Instruction:<br>buy &lt;3 things &amp; more&#39;s &#x263A;</h4><meta name="x">after meta
<button class="btn btn-primary">&lt; Prev</button><a class="product-link" href="#">B0X</a>
<input type="radio" name="size" value="xl"><label>xl</label><p> a</p><p> </p><p class="e"></p></body></html>`;
  const parsed = parseWebshopHtml(html);
  assert.deepEqual(parsed.segments, [
    'Instruction:',
    "buy <3 things & more's \u263a",
    'after meta',
    '< Prev',
    'B0X',
    'xl',
    'a',
    '',
  ]);
  assert.deepEqual(parsed.clickables, ['< prev', 'b0x', 'xl']);
});

test('done page and Flask tojson', () => {
  assert.equal(
    flaskToJson({ size: 'm', color: "l'blue <x>", extra: 'é' }),
    '{"color": "l\\u0027blue \\u003cx\\u003e", "extra": "\\u00e9", "size": "m"}',
  );
  const done = observationText(renderDone('B0X', { color: 'red' }, 2 / 3));
  assert.ok(
    done.startsWith(
      'Thank you for shopping with us! [SEP] Your code: [SEP] None [SEP] (Paste it in your MTurk interface.)',
    ),
  );
  assert.ok(done.includes('[SEP] asin [SEP] B0X [SEP] options [SEP] {"color": "red"} [SEP]'));
  assert.ok(
    done.endsWith(
      'Your score (min 0.0, max 1.0) [SEP] 0.6666666666666666 [SEP] Reward Details [SEP] None',
    ),
  );
  assert.equal(renderDone('B0X', {}, 1).clickables.size, 0);
});
