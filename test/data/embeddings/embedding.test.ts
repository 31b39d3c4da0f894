/** Embedding matrix for a vocabulary: rows copied, coverage, zero and seeded random rules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coverageLine, embeddingMatrix, embeddingTensor } from '../../../src/data/embeddings/embedding.js';
import { WordVectors } from '../../../src/data/embeddings/vectors.js';
import { Vocabulary } from '../../../src/data/text/vocab.js';

const vectors = new WordVectors(['the', 'cat', 'paris'], Float32Array.from([1, 2, 3, 4, 5, 6]), 2);
const vocab = Vocabulary.build([['the', 'the', 'the', 'cat', 'zzz'], ['Paris']]);

test('found rows copied, pad zero, coverage by words and by tokens, lower-case fallback', () => {
  // vocab: <pad> <unk> <cls> the(3) Paris(1) cat(1) zzz(1)
  assert.deepEqual(vocab.itos, ['<pad>', '<unk>', '<cls>', 'the', 'Paris', 'cat', 'zzz']);
  const m = embeddingMatrix(vocab, vectors);
  assert.deepEqual([...m.weight], [0, 0, 0, 0, 0, 0, 1, 2, 5, 6, 3, 4, 0, 0]);
  assert.equal(m.found, 3);
  assert.equal(m.total, 4);
  assert.equal(m.coverage, 0.75);
  assert.equal(m.tokenCoverage, 5 / 6);
  assert.deepEqual(m.missingExamples, ['zzz']);
  assert.equal(coverageLine(m), 'found 3 / 4 words (75.0%), 83.3% of training tokens');
  assert.deepEqual(embeddingTensor(m).shape, [7, 2]);
  assert.equal(embeddingMatrix(vocab, vectors, { lowerFallback: false }).found, 2);
});

test('random rule: missing and unk rows drawn from a seeded normal, pad stays zero', () => {
  const a = embeddingMatrix(vocab, vectors, { missing: 'random', seed: 5 });
  const b = embeddingMatrix(vocab, vectors, { missing: 'random', seed: 5 });
  assert.deepEqual(a.weight, b.weight);
  assert.deepEqual([...a.weight.subarray(0, 2)], [0, 0]);
  assert.notDeepEqual([...a.weight.subarray(2, 4)], [0, 0]);
  assert.notDeepEqual([...a.weight.subarray(12, 14)], [0, 0]);
  assert.deepEqual([...a.weight.subarray(6, 8)], [1, 2]);
});
