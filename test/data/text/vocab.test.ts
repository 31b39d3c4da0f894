/** Vocabulary: specials first, frequency order with alphabetical ties, minFreq, maxSize, unk, JSON. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Vocabulary } from '../../../src/data/text/vocab.js';

const train = [['the', 'cat', 'sat'], ['the', 'dog', 'sat'], ['the', 'end']];

test('built from training texts: specials, then by count, ties alphabetical', () => {
  const v = Vocabulary.build(train);
  assert.deepEqual(v.itos, ['<pad>', '<unk>', '<cls>', 'the', 'sat', 'cat', 'dog', 'end']);
  assert.equal(v.padIndex, 0);
  assert.equal(v.unkIndex, 1);
  assert.deepEqual([...v.encode(['the', 'zebra', 'dog'])], [3, 1, 6]);
  assert.deepEqual(v.decode([3, 5, 0], { skipPad: true }), ['the', 'cat']);
  assert.equal(v.counts[3], 3);
});

test('minFreq and maxSize', () => {
  assert.deepEqual(Vocabulary.build(train, { minFreq: 2 }).itos, ['<pad>', '<unk>', '<cls>', 'the', 'sat']);
  assert.deepEqual(Vocabulary.build(train, { maxSize: 4 }).itos, ['<pad>', '<unk>', '<cls>', 'the']);
  assert.throws(() => Vocabulary.build(train, { maxSize: 2 }), /maxSize 2 is smaller than the 3 special tokens/);
});

test('__OOV__ as the unknown token; no unk token is an error on unknown words', () => {
  const v = Vocabulary.build(train, { specials: ['<pad>', '__OOV__'] });
  assert.equal(v.indexOf('nope'), 1);
  const strict = Vocabulary.build(train, { specials: [] });
  assert.throws(() => strict.indexOf('nope'), /unknown token 'nope' and no unk token/);
});

test('JSON round trip keeps indices', () => {
  const v = Vocabulary.build(train);
  const w = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
  assert.deepEqual(w.itos, v.itos);
  assert.equal(w.unkIndex, 1);
  assert.deepEqual([...w.encode(['dog'])], [6]);
});
