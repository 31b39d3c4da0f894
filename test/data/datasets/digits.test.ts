/** The digits reader parses gzipped and plain CSV, reports bad files by line, and reads Debian's real file when installed. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DIGITS_PATH, loadDigits } from '../../../src/data/datasets/digits.js';

function withDir(f: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-digits-'));
  try {
    f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const row = (label: number, fill: number): string => [...Array.from({ length: 64 }, (_, j) => (j === 0 ? fill : j % 17)), label].join(',');

test('parses a small gzipped CSV: pixels then label', () => {
  withDir((dir) => {
    const p = join(dir, 'digits.csv.gz');
    writeFileSync(p, gzipSync(`${row(3, 16)}\n${row(7, 0)}\n`));
    const d = loadDigits({ path: p });
    assert.equal(d.n, 2);
    assert.equal(d.dim, 64);
    assert.deepEqual(Array.from(d.labels), [3, 7]);
    assert.equal(d.images[0], 16);
    assert.equal(d.images[64], 0);
    assert.equal(d.images[64 + 5], 5);
    assert.ok(d.images instanceof Float32Array);
  });
});

test('bad files are clear errors', () => {
  withDir((dir) => {
    const missing = join(dir, 'nope.csv.gz');
    assert.throws(() => loadDigits({ path: missing }), /not found.*apt-get install python3-sklearn/);
    const short = join(dir, 'short.csv');
    writeFileSync(short, `${row(1, 1)}\n1,2,3\n`);
    assert.throws(() => loadDigits({ path: short }), /line 2 has 3 fields, expected 65/);
    const nan = join(dir, 'nan.csv');
    writeFileSync(nan, row(1, 1).replace(/^1,/, 'x,'));
    assert.throws(() => loadDigits({ path: nan }), /line 1 field 1 is not a number: 'x'/);
  });
});

test('reads the real 8x8 digits from python3-sklearn (1,797 rows, 10 classes)', (t) => {
  if (!existsSync(DIGITS_PATH)) {
    t.skip(`${DIGITS_PATH} absent (apt-get install python3-sklearn)`);
    return;
  }
  const d = loadDigits();
  assert.equal(d.n, 1797);
  assert.equal(d.dim, 64);
  assert.equal(new Set(d.labels).size, 10);
  assert.equal(Math.max(...d.images), 16);
  assert.equal(Math.min(...d.images), 0);
  assert.equal(d.labels[0], 0);
});
