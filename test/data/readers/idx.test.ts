/** IDX reader: raw and gzipped fixtures written here, bad files, and the real Fashion-MNIST when installed. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { encodeIdx, findFashionMnist, imageSetTensors, loadFashionMnist, loadIdxFolder, parseIdx, readIdx } from '../../../src/data/readers/idx.js';

const dir = mkdtempSync(join(tmpdir(), 'gradlab-idx-'));
const pixels = Array.from({ length: 3 * 2 * 2 }, (_, i) => (i * 23) % 256);
writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx('uint8', [3, 2, 2], pixels));
writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx('uint8', [3], [7, 0, 9])));
writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(encodeIdx('uint8', [1, 2, 2], [0, 255, 51, 102])));
writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx('uint8', [2], [1, 2]));

test('raw and gzipped IDX files read to the same values', () => {
  const raw = readIdx(join(dir, 'train-images-idx3-ubyte'));
  assert.deepEqual(raw.dims, [3, 2, 2]);
  assert.equal(raw.dtype, 'uint8');
  assert.deepEqual([...raw.data], pixels);
  const gz = join(dir, 'copy.gz');
  writeFileSync(gz, gzipSync(encodeIdx('uint8', [3, 2, 2], pixels)));
  assert.deepEqual([...readIdx(gz).data], pixels);
});

test('a train split loads as scaled floats with labels; tensors have [n,1,rows,cols]', () => {
  const s = loadIdxFolder(dir, 'train');
  assert.equal(s.n, 3);
  assert.equal(s.dim, 4);
  assert.deepEqual([...s.labels], [7, 0, 9]);
  assert.ok(Math.abs(s.images[1] - 23 / 255) < 1e-7);
  const { x, y } = imageSetTensors(s);
  assert.deepEqual(x.shape, [3, 1, 2, 2]);
  assert.deepEqual(y.shape, [3]);
  assert.equal(y.dtype, 'int32');
});

test('other IDX types round-trip big-endian', () => {
  for (const dtype of ['int8', 'int16', 'int32', 'float32', 'float64'] as const) {
    const v = [-3, 1, 2, 100, -1, 0];
    const a = parseIdx(encodeIdx(dtype, [2, 3], v));
    assert.equal(a.dtype, dtype);
    assert.deepEqual([...a.data], v);
  }
});

test('image and label counts that disagree are an error naming both files', () => {
  assert.throws(() => loadIdxFolder(dir, 'test'), /has 1 images but .*t10k-labels-idx1-ubyte has 2 labels/);
});

test('wrong magic number names the file and the number', () => {
  const p = join(dir, 'bad-magic');
  const b = encodeIdx('uint8', [1], [5]);
  b[2] = 0x07;
  writeFileSync(p, b);
  assert.throws(() => readIdx(p), (e: Error) => e.message.includes(p) && e.message.includes('wrong magic number 0x00000701'));
});

test('a truncated IDX says how many bytes were expected', () => {
  const p = join(dir, 'short-idx3-ubyte');
  writeFileSync(p, encodeIdx('uint8', [3, 2, 2], pixels).subarray(0, 20));
  assert.throws(() => readIdx(p), (e: Error) => e.message.includes(p) && /truncated: dimensions \[3,2,2\] of uint8 need 28 bytes, file has 20/.test(e.message));
  const gz = join(dir, 'short.gz');
  writeFileSync(gz, gzipSync(encodeIdx('uint8', [3, 2, 2], pixels)).subarray(0, 15));
  assert.throws(() => readIdx(gz), /short\.gz: corrupt or truncated gzip data/);
});

test('a missing file, a missing folder and an empty folder are named', () => {
  assert.throws(() => readIdx(join(dir, 'nope')), /IDX file not found: .*nope/);
  assert.throws(() => loadIdxFolder(join(dir, 'nowhere')), /IDX dataset folder not found: .*nowhere/);
  const empty = mkdtempSync(join(tmpdir(), 'gradlab-empty-'));
  assert.throws(() => loadIdxFolder(empty), /IDX dataset folder is empty/);
  assert.throws(() => loadFashionMnist({ dir: empty }), /is empty/);
});

test('Fashion-MNIST from Debian: 60,000 + 10,000 images of 28×28, 10 classes', (t) => {
  const d = findFashionMnist();
  if (!d) {
    t.skip('dataset-fashion-mnist is not installed');
    return;
  }
  const tr = loadFashionMnist({ split: 'train' });
  const te = loadFashionMnist({ split: 'test' });
  assert.equal(tr.n, 60000);
  assert.equal(te.n, 10000);
  assert.equal(tr.rows, 28);
  assert.equal(tr.cols, 28);
  const counts = new Array(10).fill(0);
  for (const l of te.labels) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(1000));
});

test('streaming records gives the same images as reading whole, raw and gzipped', async () => {
  const { streamIdx } = await import('../../../src/data/readers/idx.js');
  for (const f of ['train-images-idx3-ubyte', 'copy.gz']) {
    const recs: number[][] = [];
    for await (const r of streamIdx(join(dir, f))) {
      assert.deepEqual(r.dims, [3, 2, 2]);
      recs.push([...r.data]);
    }
    assert.deepEqual(recs.flat(), pixels);
    assert.equal(recs.length, 3);
  }
  const labels: number[] = [];
  for await (const r of streamIdx(join(dir, 'train-labels-idx1-ubyte.gz'))) labels.push(r.data[0]);
  assert.deepEqual(labels, [7, 0, 9]);
  const short = join(dir, 'short-stream');
  writeFileSync(short, encodeIdx('int16', [3, 2], [1, 2, 3, 4, 5, 6]).subarray(0, 4 + 8 + 9));
  await assert.rejects(async () => {
    for await (const r of streamIdx(short)) void r;
  }, /short-stream: truncated: 2 of 3 records of \[2\] int16/);
});
