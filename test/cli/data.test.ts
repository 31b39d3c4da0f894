/** `gradlab data list|show`: output of the commands and of the renderers. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerData, renderCounts, renderImages, renderPoints } from '../../src/cli/data.js';

const dir = mkdtempSync(join(tmpdir(), 'gradlab-cli-data-'));
process.env.GRADLAB_CACHE = join(dir, 'cache');

async function run(...args: string[]): Promise<string> {
  const program = new Command();
  program.exitOverride();
  registerData(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'gradlab', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test('renderers: image grid, counts table, scatter', () => {
  const img = renderImages({ rows: 2, cols: 2, pixels: [Float32Array.from([0, 1, 0.5, 0])], labels: [1], lo: 0, hi: 1 }, ['a', 'b']);
  assert.equal(img, '[b]\n  @@\n++\n');
  assert.equal(renderCounts(['ham', 'spam'], [3, 1]), '  ham         3   75.0%  ##############################\n  spam        1   25.0%  ##########\n  total       4');
  const sc = renderPoints({ x: Float32Array.from([0, 0, 1, 1]), y: [0, 1], n: 2 }, 4, 2).split('\n');
  assert.deepEqual(sc.slice(1), ['+----+', '|   x|', '|o   |', '+----+']);
});

test('data list --json: every dataset with availability, size and how to get it', async () => {
  const rows = JSON.parse(await run('data', 'list', '--json')) as { name: string; available: boolean; size: string; howTo: string }[];
  const xor = rows.find((r) => r.name === 'xor')!;
  assert.equal(xor.available, true);
  const imdb = rows.find((r) => r.name === 'imdb')!;
  assert.match(imdb.size, /50,000 reviews/);
  assert.match(imdb.howTo, /aclImdb/);
  const text = await run('data', 'list');
  assert.match(text, /datasets available here/);
});

test('data show: a synthetic set and a USPS file given by --path', async () => {
  const blobs = await run('data', 'show', 'blobs');
  assert.match(blobs, /^blobs \(all\)\n\ncounts per class:\n {2}0 {9}200 {3}50\.0%/);
  const usps = join(dir, 'usps');
  writeFileSync(usps, '1 1:1 17:1\n2 2:1\n');
  const out = await run('data', 'show', 'usps', '--path', usps, '--samples', '2');
  assert.match(out, /\[0\] {15}\[1\]/);
  assert.match(out, /samples \(16×16\):/);
  await assert.rejects(run('data', 'show', 'imdb', '--path', join(dir, 'nowhere')), /imdb is not available here: download and unpack aclImdb/);
});
