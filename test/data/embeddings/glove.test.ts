/** GloVe text reader: plain, gzipped, word2vec header, cache, and errors with line numbers. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadGlove, parseGloveFile } from '../../../src/data/embeddings/glove.js';

const dir = mkdtempSync(join(tmpdir(), 'gradlab-glove-'));
process.env.GRADLAB_CACHE = join(dir, 'cache');
const text = 'the 0.1 0.2 0.3\ncat -1 0.5 2e-1\n, 0 0 1\nnaïve 1 1 1\n';
writeFileSync(join(dir, 'g.txt'), text);
writeFileSync(join(dir, 'g.txt.gz'), gzipSync(text));

test('reads words and vectors; the dimension comes from the first line', () => {
  const v = parseGloveFile(join(dir, 'g.txt'));
  assert.equal(v.size, 4);
  assert.equal(v.dim, 3);
  assert.deepEqual(v.words, ['the', 'cat', ',', 'naïve']);
  assert.deepEqual([...v.get('cat')!], [-1, 0.5, Math.fround(0.2)]);
  assert.equal(v.get('dog'), null);
  assert.ok(Math.abs(v.similarity('naïve', 'naïve') - 1) < 1e-6);
});

test('gzipped file, word2vec header, limit, and the binary cache give the same vectors', () => {
  const a = parseGloveFile(join(dir, 'g.txt'));
  assert.deepEqual(parseGloveFile(join(dir, 'g.txt.gz')).vectors, a.vectors);
  writeFileSync(join(dir, 'w2v.txt'), '4 3\n' + text);
  assert.deepEqual(parseGloveFile(join(dir, 'w2v.txt')).vectors, a.vectors);
  assert.equal(parseGloveFile(join(dir, 'g.txt'), { limit: 2 }).size, 2);
  const first = loadGlove(join(dir, 'g.txt'), { cache: true });
  const second = loadGlove(join(dir, 'g.txt'), { cache: true });
  assert.deepEqual(first.words, a.words);
  assert.deepEqual(second.vectors, a.vectors);
});

test('a line with the wrong number of values names the file and the line', () => {
  const p = join(dir, 'bad.txt');
  writeFileSync(p, 'a 1 2 3\nb 1 2 3\n\nc 1 2\n');
  assert.throws(() => parseGloveFile(p), (e: Error) => e.message === `GloVe ${p}:4: expected 3 values after the word, got 2`);
  writeFileSync(p, 'a 1 2 3\nb 1 x 3\n');
  assert.throws(() => parseGloveFile(p), /bad\.txt:2: value 2 'x' is not a number/);
  assert.throws(() => parseGloveFile(p, { dim: 4 }), /bad\.txt:1: expected 4 values after the word, got 3/);
  writeFileSync(p, '\n');
  assert.throws(() => parseGloveFile(p), /no vectors \(empty file\)/);
  assert.throws(() => parseGloveFile(join(dir, 'missing.txt')), /GloVe file not found: .*missing\.txt/);
});

test('a duplicate word keeps its first vector and is named, with its line, in one warning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-glove-dup-'));
  const f = join(dir, 'dup.txt');
  writeFileSync(f, 'the 1 2\ncat 3 4\nthe 9 9\ndog 5 6\ncat 7 7\n');
  const warnings: string[] = [];
  const v = parseGloveFile(f, { onWarning: (m) => warnings.push(m) });
  assert.deepEqual(v.words, ['the', 'cat', 'dog']);
  assert.deepEqual(Array.from(v.vectors), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(warnings, [`GloVe ${f}: 2 duplicate words skipped, the first vector kept: 'the' (line 3, first on line 1), 'cat' (line 5, first on line 2)`]);
  const clean = join(dir, 'clean.txt');
  writeFileSync(clean, 'a 1\nb 2\n');
  parseGloveFile(clean, { onWarning: (m) => warnings.push(m) });
  assert.equal(warnings.length, 1, 'no warning without duplicates');
});
