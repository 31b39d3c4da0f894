/** Streaming helpers: lines across chunk boundaries, gzip, batching, seeded shuffle buffer. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { batchStream, mapStream, readLines, readLinesSync, shuffleStream } from '../../../src/data/readers/stream.js';
import { Generator } from '../../../src/tensor/random.js';

const dir = mkdtempSync(join(tmpdir(), 'gradlab-stream-'));
const text = 'alpha\r\nbéta\n\ngamma δ\nlast';
writeFileSync(join(dir, 't.txt'), text);
writeFileSync(join(dir, 't.txt.gz'), gzipSync(text));
const expected = ['alpha', 'béta', '', 'gamma δ', 'last'];

test('sync lines with tiny chunks split inside multi-byte characters', () => {
  for (const chunk of [1, 2, 3, 5, 1024]) assert.deepEqual([...readLinesSync(join(dir, 't.txt'), chunk)], expected);
  assert.throws(() => [...readLinesSync(join(dir, 'none.txt'))], /text file not found: .*none\.txt/);
});

test('async lines, plain and gzipped', async () => {
  for (const f of ['t.txt', 't.txt.gz']) {
    const got: string[] = [];
    for await (const l of readLines(join(dir, f))) got.push(l);
    assert.deepEqual(got, expected);
  }
});

test('batches from sync and async sources, dropLast', async () => {
  const out: number[][] = [];
  for await (const b of batchStream([1, 2, 3, 4, 5], 2)) out.push(b);
  assert.deepEqual(out, [[1, 2], [3, 4], [5]]);
  const dropped: number[][] = [];
  for await (const b of batchStream(mapStream([1, 2, 3], async (x) => x * 10), 2, { dropLast: true })) dropped.push(b);
  assert.deepEqual(dropped, [[10, 20]]);
});

test('shuffle buffer: a permutation of the input, the same for the same seed', async () => {
  const run = async (seed: number, buf: number) => {
    const out: number[] = [];
    for await (const x of shuffleStream(Array.from({ length: 50 }, (_, i) => i), buf, new Generator(seed))) out.push(x);
    return out;
  };
  const a = await run(1, 10);
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(await run(1, 10), a);
  assert.notDeepEqual(a, Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual(await run(2, 10), a);
});

test('StreamLoader: a fresh stream per epoch, shuffled by a seeded buffer, collated', async () => {
  const { StreamLoader } = await import('../../../src/data/readers/stream.js');
  let opened = 0;
  const loader = new StreamLoader(
    async function* () {
      opened++;
      for (let i = 0; i < 10; i++) yield i;
    },
    { batchSize: 4, shuffleBuffer: 5, gen: new Generator(4), collate: (xs: number[]) => xs.reduce((a, b) => a + b, 0) },
  );
  const epoch1: number[] = [];
  for await (const b of loader) epoch1.push(b);
  const epoch2: number[] = [];
  for await (const b of loader) epoch2.push(b);
  assert.equal(opened, 2);
  assert.equal(epoch1.length, 3);
  assert.equal(epoch1.reduce((a, b) => a + b, 0), 45);
  assert.equal(epoch2.reduce((a, b) => a + b, 0), 45);
  assert.notDeepEqual(epoch1, epoch2);
});
