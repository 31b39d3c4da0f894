/** IMDB reader on an aclImdb folder written here: order, labels, ratings, streaming, errors. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { iterateImdb, loadImdb } from '../../../src/data/readers/imdb.js';

const root = mkdtempSync(join(tmpdir(), 'gradlab-imdb-'));
const acl = join(root, 'aclImdb');
for (const s of ['train', 'test']) for (const c of ['pos', 'neg']) mkdirSync(join(acl, s, c), { recursive: true });
writeFileSync(join(acl, 'train', 'pos', '10_9.txt'), 'Great film.<br /><br />Loved it!');
writeFileSync(join(acl, 'train', 'pos', '2_10.txt'), 'A masterpiece.');
writeFileSync(join(acl, 'train', 'neg', '0_1.txt'), 'Dull and slow.');
writeFileSync(join(acl, 'train', 'neg', 'notes.md'), 'ignored');
writeFileSync(join(acl, 'test', 'pos', '0_8.txt'), 'Fine.');
writeFileSync(join(acl, 'test', 'neg', '0_3.txt'), 'Bad.');

test('train split: neg then pos, numeric id order, labels and ratings; parent folder accepted', () => {
  const s = loadImdb(root);
  assert.equal(s.n, 3);
  assert.deepEqual(s.texts, ['Dull and slow.', 'A masterpiece.', 'Great film.<br /><br />Loved it!']);
  assert.deepEqual([...s.labels], [0, 1, 1]);
  assert.deepEqual([...s.ratings], [1, 10, 9]);
  assert.equal(loadImdb(acl, { split: 'test' }).n, 2);
  assert.deepEqual(loadImdb(acl, { limit: 1 }).texts, ['Dull and slow.', 'A masterpiece.']);
});

test('streaming gives the same records', async () => {
  const got: string[] = [];
  for await (const r of iterateImdb(acl)) got.push(`${r.label}:${r.text}`);
  assert.deepEqual(got, ['0:Dull and slow.', '1:A masterpiece.', '1:Great film.<br /><br />Loved it!']);
});

test('missing folder, missing split, empty class folder are named', () => {
  assert.throws(() => loadImdb(join(root, 'none')), /IMDB folder not found: .*none/);
  const bad = mkdtempSync(join(tmpdir(), 'gradlab-imdb-bad-'));
  mkdirSync(join(bad, 'train', 'pos'), { recursive: true });
  mkdirSync(join(bad, 'train', 'neg'), { recursive: true });
  writeFileSync(join(bad, 'train', 'pos', '0_7.txt'), 'ok');
  assert.throws(() => loadImdb(bad), /IMDB train\/neg folder is empty: .*train\/neg/);
  assert.throws(() => loadImdb(bad, { split: 'test' }), /no 'test' folder/);
});
