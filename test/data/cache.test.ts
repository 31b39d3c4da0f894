/** Binary cache: round trip of every dtype, alignment, content-keyed hits and misses, damaged files. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cached, contentKey, fileHash, packStrings, readCacheFile, unpackStrings, writeCacheFile } from '../../src/data/cache.js';

const dir = mkdtempSync(join(tmpdir(), 'gradlab-cache-test-'));
process.env.GRADLAB_CACHE = join(dir, 'cache');

test('arrays of every dtype and metadata round-trip, views aligned', () => {
  const f = join(dir, 'a.bin');
  const arrays = { u: Uint8Array.from([1, 2, 3]), f: Float32Array.from([1.5, -2]), d: Float64Array.from([Math.PI]), i: Int32Array.from([-7, 8, 9]) };
  writeCacheFile(f, arrays, { name: 'x', n: 3, list: [1, 2] });
  const r = readCacheFile(f);
  assert.deepEqual(r.meta, { name: 'x', n: 3, list: [1, 2] });
  assert.deepEqual(r.arrays, arrays);
  assert.equal((r.arrays.d as Float64Array).byteOffset % 8, 0);
});

test('strings with newlines and Unicode pack and unpack', () => {
  const s = ['a\nb', '', 'café 東京', 'x'];
  assert.deepEqual(unpackStrings(packStrings(s)), s);
  assert.deepEqual(unpackStrings(packStrings([])), []);
});

test('a damaged cache file is reported with its name', () => {
  const f = join(dir, 'bad.bin');
  writeFileSync(f, 'NOTACACHEFILE');
  assert.throws(() => readCacheFile(f), /bad\.bin: not a gradlab cache file/);
  const g = join(dir, 'cut.bin');
  writeCacheFile(g, { x: new Float32Array(100) });
  writeFileSync(g, readFileSync(g).subarray(0, 120));
  assert.throws(() => readCacheFile(g), /cut\.bin: truncated/);
});

test('cached(): built once, then read back; a changed source or parameter rebuilds', () => {
  const src = join(dir, 'source.txt');
  writeFileSync(src, 'one');
  let builds = 0;
  const build = () => {
    builds++;
    return { arrays: { v: Float32Array.from([readFileSync(src, 'utf8').length]) }, meta: {} };
  };
  const a = cached({ name: 't', sources: [src] }, build);
  const b = cached({ name: 't', sources: [src] }, build);
  assert.equal(a.hit, false);
  assert.equal(b.hit, true);
  assert.deepEqual([...b.arrays.v], [3]);
  assert.equal(cached({ name: 't', sources: [src], params: { k: 1 } }, build).hit, false);
  writeFileSync(src, 'three');
  utimesSync(src, new Date(), new Date(Date.now() + 5000));
  const c = cached({ name: 't', sources: [src] }, build);
  assert.equal(c.hit, false);
  assert.deepEqual([...c.arrays.v], [5]);
  assert.equal(builds, 3);
  assert.equal(cached({ name: 't', sources: [src], enabled: false }, build).file, null);
});

test('content hash depends on bytes, not on names', () => {
  const a = join(dir, 'h1');
  const b = join(dir, 'h2');
  writeFileSync(a, 'same');
  writeFileSync(b, 'same');
  assert.equal(fileHash(a), fileHash(b));
  assert.equal(fileHash(a), '0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5');
  assert.equal(contentKey([a]), contentKey([b]));
  assert.notEqual(contentKey([a], { p: 1 }), contentKey([a], { p: 2 }));
});
