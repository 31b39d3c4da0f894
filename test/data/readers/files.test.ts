/** File helpers: compression sniffed from bytes, folder checks with named paths. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { findWithGz, isBzip2, isGzip, readMaybeCompressed, requireDir, requireFile } from '../../../src/data/readers/files.js';

const dir = mkdtempSync(join(tmpdir(), 'gradlab-files-'));

test('gzip recognised by content whatever the name; plain files pass through', () => {
  writeFileSync(join(dir, 'data.bin'), gzipSync('hello'));
  writeFileSync(join(dir, 'plain.gz'), 'not compressed');
  assert.equal(readMaybeCompressed(join(dir, 'data.bin')).toString(), 'hello');
  assert.equal(readMaybeCompressed(join(dir, 'plain.gz')).toString(), 'not compressed');
  assert.equal(isGzip(Uint8Array.from([0x1f, 0x8b])), true);
  assert.equal(isBzip2(Buffer.from('BZh9')), true);
  assert.equal(isBzip2(Buffer.from('BZh0')), false);
});

test('findWithGz prefers the plain name, then .gz', () => {
  writeFileSync(join(dir, 'x.gz'), gzipSync('x'));
  assert.equal(findWithGz(join(dir, 'x')), join(dir, 'x.gz'));
  assert.equal(findWithGz(join(dir, 'y')), null);
});

test('missing, wrong-kind and empty paths are named', () => {
  assert.throws(() => requireFile(join(dir, 'no'), 'label file'), new RegExp(`label file not found: ${join(dir, 'no')}`));
  assert.throws(() => requireFile(dir, 'label file'), /expected a file but .* is a folder/);
  mkdirSync(join(dir, 'empty'));
  assert.throws(() => requireDir(join(dir, 'empty'), 'review folder'), /review folder is empty: .*empty/);
  assert.throws(() => requireDir(join(dir, 'data.bin'), 'review folder'), /expected a folder but .*data\.bin is a file/);
  assert.deepEqual(requireDir(dir).sort(), ['data.bin', 'empty', 'plain.gz', 'x.gz']);
});
