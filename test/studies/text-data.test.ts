import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Vocabulary } from '../../src/data/text/vocab.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { Study } from '../../src/studies/study.js';
import { classCountsOf, loadTextCorpus, majorityAccuracy, padMask, TextBatches, textParams, type TextCorpus } from '../../src/studies/text-data.js';
import { StudyParams } from '../../src/studies/params.js';
import { makeTinyImdb } from './text-fixtures.js';

const textStudy: Study = { name: 't', title: 't', defaultEpochs: 1, params: textParams(), run: () => Promise.reject(new Error('not run')) };
const opts = (params: Record<string, string>): StudyParams => new StudyParams(textStudy, params);

function corpus(): TextCorpus {
  const tokens = [['a', 'b', 'c'], ['a'], ['b', 'b', 'c', 'd', 'e'], ['c', 'd'], ['e', 'a', 'b', 'c', 'd', 'e', 'a'], ['d']];
  return {
    source: 'spam', description: '', classes: ['x', 'y'], tokens, labels: Int32Array.from([0, 1, 0, 0, 1, 0]),
    train: Int32Array.from([0, 1, 2, 3]), val: Int32Array.from([4]), test: Int32Array.from([5]),
  };
}

test('TextBatches: every text once per epoch, each batch padded to its longest text (capped), labels aligned', () => {
  const c = corpus();
  const vocab = Vocabulary.build(c.tokens);
  const all = Int32Array.from([0, 1, 2, 3, 4, 5]);
  const tb = new TextBatches(vocab, c, all, { batchSize: 4, maxLen: 6, shuffle: true, gen: new Generator(1) });
  assert.equal(tb.length, 2);
  for (let epoch = 0; epoch < 3; epoch++) {
    const seen: number[] = [];
    for (const [ids, y] of tb) {
      const [B, T] = ids.shape;
      const d = ids.data as Int32Array;
      let longest = 0;
      for (let b = 0; b < B; b++) {
        let n = 0;
        for (let t = 0; t < T; t++) if (d[b * T + t] !== vocab.padIndex) n++;
        longest = Math.max(longest, n);
        // Find which text this row is by its tokens.
        const row = Array.from(d.subarray(b * T, b * T + n));
        const i = c.tokens.findIndex((toks, k) => !seen.includes(k) && toks.length >= n && Array.from(vocab.encode(toks.slice(0, 6))).join() === row.join());
        assert.ok(i >= 0, `row ${row} is not a text`);
        assert.equal((y.data as Int32Array)[b], c.labels[i]);
        seen.push(i);
      }
      assert.equal(T, longest);
      assert.ok(T <= 6);
    }
    assert.deepEqual(seen.sort(), [0, 1, 2, 3, 4, 5]);
  }
  const fixed = new TextBatches(vocab, c, Int32Array.from([1, 5]), { batchSize: 8, maxLen: 6, minLen: 4 });
  const [[ids]] = [...fixed];
  assert.deepEqual(ids.shape, [2, 4]);
  assert.deepEqual(Array.from(padMask(ids, vocab.padIndex).data), [0, 1, 1, 1, 0, 1, 1, 1]);
});

test('majority class of the training split and class counts', () => {
  const c = corpus();
  assert.deepEqual(classCountsOf(c.labels, c.train, 2), [3, 1]);
  assert.deepEqual(majorityAccuracy(c, Int32Array.from([0, 1, 4, 5])), { label: 0, accuracy: 0.5 });
});

test('loadTextCorpus reads an aclImdb folder: train split 85/15, test folder as test, limit per class', () => {
  const dir = makeTinyImdb(10);
  const c = loadTextCorpus(opts({ data: 'imdb', imdb: dir }), { gen: new Generator(1), maxTokens: 5 });
  assert.equal(c.source, 'imdb');
  assert.equal(c.train.length + c.val.length, 20);
  assert.equal(c.val.length, 3);
  assert.equal(c.test.length, 20);
  assert.ok(c.tokens.every((t) => t.length <= 5 && t.length > 0));
  assert.ok(!c.tokens.some((t) => t.includes('br')), 'HTML line breaks are removed');
  const small = loadTextCorpus(opts({ data: 'imdb', imdb: dir, limit: '12' }), { gen: new Generator(1) });
  assert.equal(small.test.length, 12);
  assert.deepEqual(classCountsOf(small.labels, small.test, 2), [6, 6]);
  assert.throws(() => loadTextCorpus(opts({ data: 'imdb', imdb: dir, limit: 'three' }), { gen: new Generator(1) }), /t: --set limit=three: not a number/);
  assert.ok(padMask(new Tensor(Int32Array.from([0]), [1, 1]), 0).data[0] === 1);
});
