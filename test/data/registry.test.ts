/** Dataset catalogue: names, availability, and previews from fixtures in each real format. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeIdx } from '../../src/data/readers/idx.js';
import { DATASETS, diskBytes, findDataset } from '../../src/data/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'gradlab-registry-'));
process.env.GRADLAB_CACHE = join(dir, 'cache');

test('names are unique; built-in sets are always available; unknown names are listed', () => {
  const names = DATASETS.map((d) => d.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of ['mnist', 'fashion-mnist', 'digits', 'usps', 'blobs', 'xor', 'checkerboard', 'linreg', 'spam', 'imdb', 'wink-100d', 'glove', 'mnist-idx']) assert.ok(names.includes(n), n);
  assert.equal(findDataset('xor').locate(), 'built in');
  assert.throws(() => findDataset('cifar'), /unknown dataset 'cifar' \(known: mnist, /);
});

test('synthetic previews: balanced classes and points', async () => {
  const p = await findDataset('checkerboard').preview({ samples: 4 });
  assert.deepEqual(p.classes, ['0', '1']);
  assert.equal(p.counts[0] + p.counts[1], 400);
  assert.equal(p.points?.n, 400);
  const r = await findDataset('linreg').preview({ samples: 4 });
  assert.equal(r.points?.regression, true);
});

test('user-brought formats through --path: IDX folder, USPS file, aclImdb, GloVe', async () => {
  const idx = join(dir, 'idx');
  mkdirSync(idx);
  writeFileSync(join(idx, 'train-images-idx3-ubyte'), encodeIdx('uint8', [3, 2, 2], new Array(12).fill(255)));
  writeFileSync(join(idx, 'train-labels-idx1-ubyte'), encodeIdx('uint8', [3], [1, 1, 4]));
  const m = await findDataset('mnist-idx').preview({ path: idx, samples: 2 });
  assert.equal(m.counts[1], 2);
  assert.equal(m.counts[4], 1);
  assert.deepEqual(m.images?.labels, [1, 4]);

  const usps = join(dir, 'usps');
  writeFileSync(usps, '1 1:1\n3 2:-1\n3 3:0.5\n');
  assert.equal(findDataset('usps').locate(dir), usps);
  const u = await findDataset('usps').preview({ path: usps, samples: 8 });
  assert.deepEqual(u.counts.slice(0, 3), [1, 0, 2]);
  assert.equal(u.images?.pixels.length, 3);
  assert.equal(u.images?.lo, -1);

  const acl = join(dir, 'aclImdb');
  for (const c of ['pos', 'neg']) mkdirSync(join(acl, 'train', c), { recursive: true });
  writeFileSync(join(acl, 'train', 'pos', '0_9.txt'), 'Wonderful.');
  writeFileSync(join(acl, 'train', 'neg', '0_2.txt'), 'Awful.');
  const i = await findDataset('imdb').preview({ path: dir, samples: 5 });
  assert.deepEqual(i.counts, [1, 1]);
  assert.deepEqual(i.texts, [{ label: 0, text: 'Awful.' }, { label: 1, text: 'Wonderful.' }]);

  const glove = join(dir, 'glove.txt');
  writeFileSync(glove, 'king 1 0\nqueen 0.9 0.1\ncarrot 0 1\n');
  const g = await findDataset('glove').preview({ path: glove, samples: 1 });
  assert.equal(g.vectors?.size, 3);
  assert.deepEqual(g.vectors?.neighbours, [{ word: 'king', nearest: ['queen', 'carrot'] }]);
  assert.ok(diskBytes(dir) > 0);
});

test('Fashion-MNIST preview when installed: 6,000 per class in train', async (t) => {
  const e = findDataset('fashion-mnist');
  if (!e.locate()) {
    t.skip('dataset-fashion-mnist is not installed');
    return;
  }
  const p = await e.preview({ samples: 3 });
  assert.deepEqual(p.counts, new Array(10).fill(6000));
  assert.equal(p.images?.pixels.length, 3);
  assert.equal(p.images?.pixels[0].length, 784);
});
