import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isJsWhitespace } from './whitespace.js';

test('isJsWhitespace is \\s and what trim() removes, for every UTF-16 code unit', () => {
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCharCode(c);
    assert.equal(isJsWhitespace(c), /\s/.test(ch), `U+${c.toString(16)}`);
    assert.equal(isJsWhitespace(c), ch.trim() === '', `U+${c.toString(16)} trim`);
  }
});
