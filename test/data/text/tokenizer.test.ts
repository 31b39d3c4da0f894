/** Tokenizer: lower-casing, punctuation split, <br /> removed, apostrophes and numbers kept. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTokenizer, tokenize } from '../../../src/data/text/tokenizer.js';

test('IMDB-style review', () => {
  assert.deepEqual(tokenize("I DIDN'T like it.<br /><br />Rated 3.5/10, (sadly)!"), ['i', "didn't", 'like', 'it', '.', 'rated', '3.5', '/', '10', ',', '(', 'sadly', ')', '!']);
});

test('options: keep case, drop punctuation, long tokens dropped, other scripts kept', () => {
  assert.deepEqual(tokenize('Hello, World!', { lower: false, punctuation: false }), ['Hello', 'World']);
  assert.deepEqual(tokenize('ok ' + 'A'.repeat(50) + ' café 東京 1,000'), ['ok', 'café', '東京', '1,000']);
  assert.deepEqual(makeTokenizer({ punctuation: false })('it’s <b>bold</b>'), ["it's", 'bold']);
});
