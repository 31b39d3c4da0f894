/** libsvm / USPS reader: plain, gzip and bzip2 fixtures, label mapping, errors with line numbers. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readLibsvm, readUsps, uspsTensors } from '../../../src/data/readers/libsvm.js';

const dir = mkdtempSync(join(tmpdir(), 'gradlab-usps-'));
const text = '10 1:-1 2:0.5 256:1\n1 3:0.25\n\n4 1:1 128:-0.75\n';
writeFileSync(join(dir, 'usps'), text);
writeFileSync(join(dir, 'usps.gz'), gzipSync(text));

test('USPS libsvm: labels 1–10 become digits 0–9; sparse pairs fill a dense 256 row', () => {
  const s = readUsps(join(dir, 'usps'));
  assert.equal(s.n, 3);
  assert.deepEqual([...s.labels], [9, 0, 3]);
  assert.equal(s.images[0], -1);
  assert.equal(s.images[1], 0.5);
  assert.equal(s.images[255], 1);
  assert.equal(s.images[256 + 2], 0.25);
  assert.equal(s.images[512 + 127], -0.75);
  assert.equal(s.images[256], 0);
  const r = readUsps(join(dir, 'usps'), { rescale: true });
  assert.equal(r.images[0], 0);
  assert.equal(r.images[256], 0.5);
  assert.deepEqual(uspsTensors(s).x.shape, [3, 1, 16, 16]);
});

test('gzip and bzip2 files read the same as plain text', (t) => {
  assert.deepEqual(readUsps(join(dir, 'usps.gz')).images, readUsps(join(dir, 'usps')).images);
  if (!existsSync('/usr/bin/bzip2') && !existsSync('/bin/bzip2')) {
    t.skip('no bzip2 command to make the .bz2 fixture');
    return;
  }
  const bz = execFileSync('bzip2', ['-c'], { input: readFileSync(join(dir, 'usps')) });
  writeFileSync(join(dir, 'usps.bz2'), bz);
  assert.deepEqual(readUsps(join(dir, 'usps.bz2')).labels, readUsps(join(dir, 'usps')).labels);
  writeFileSync(join(dir, 'cut.bz2'), bz.subarray(0, 20));
  assert.throws(() => readUsps(join(dir, 'cut.bz2')), /cut\.bz2: corrupt or truncated bzip2 data/);
});

test('generic libsvm keeps labels and infers the dimension', () => {
  writeFileSync(join(dir, 'g.svm'), '-1 2:3\n+1 1:1 5:2 # comment\n');
  const s = readLibsvm(join(dir, 'g.svm'));
  assert.equal(s.dim, 5);
  assert.deepEqual([...s.y], [-1, 1]);
  assert.deepEqual([...s.x], [0, 3, 0, 0, 0, 1, 0, 0, 0, 2]);
});

test('bad lines name the file and line; missing and empty files are named', () => {
  writeFileSync(join(dir, 'bad1'), '1 1:0.5\n2 3-0.1\n');
  assert.throws(() => readUsps(join(dir, 'bad1')), /bad1:2: '3-0\.1' is not an index:value pair/);
  writeFileSync(join(dir, 'bad2'), '1 257:0.5\n');
  assert.throws(() => readUsps(join(dir, 'bad2')), /bad2:1: index 257 > 256 features/);
  writeFileSync(join(dir, 'bad3'), '11 1:0.5\n');
  assert.throws(() => readUsps(join(dir, 'bad3')), /row 1 has label 11, expected 1–10/);
  writeFileSync(join(dir, 'empty'), '\n');
  assert.throws(() => readUsps(join(dir, 'empty')), /empty: no data lines/);
  assert.throws(() => readUsps(join(dir, 'missing')), /libsvm file not found: .*missing/);
});

test('a huge feature index is rejected with its line (no 8 GB row); a dense set over 2 GiB is rejected', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-libsvm-huge-'));
  const f = join(dir, 'huge.txt');
  writeFileSync(f, '1 1:0.5 3:1\n2 2000000000:1\n');
  assert.throws(() => readLibsvm(f), new RegExp(`^Error: libsvm ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: feature index 2000000000 is above 16777216 \\(every dense row would hold 2000000000 values, 8\\.00 GB\\)`));
  const g = join(dir, 'wide.txt');
  writeFileSync(g, Array.from({ length: 40 }, (_, i) => `${i % 2} ${i === 7 ? 16000000 : 1}:1`).join('\n'));
  assert.throws(() => readLibsvm(g), /40 rows × 16000000 features \(largest index on line 8\) would be 2\.56 GB as dense float32/);
});
