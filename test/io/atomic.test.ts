/** Atomic writes leave nothing behind: temp files go on failure, and a killed write's temp goes at the next save. */
import assert from 'node:assert/strict';
import { fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cleanStaleTempFiles, writeFileAtomic } from '../../src/io/atomic.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'gradlab-atomic-'));

test('a failed write removes its temp file (write error, rename error)', () => {
  const d = dir();
  const p = join(d, 'a.bin');
  assert.throws(() => writeFileAtomic(p, [new Uint8Array([1]), null as unknown as Uint8Array]));
  assert.deepEqual(readdirSync(d), []);
  const target = join(d, 'is-a-dir');
  mkdirSync(join(target, 'inside'), { recursive: true });
  assert.throws(() => writeFileAtomic(target, new Uint8Array([1, 2])), /EISDIR|ENOTEMPTY|EEXIST|directory/);
  assert.deepEqual(readdirSync(d).sort(), ['is-a-dir']);
});

test('temp files of killed saves are removed by the next save; a live writer\'s are kept', async () => {
  const d = dir();
  const p = join(d, 'big.safetensors');
  const script = fileURLToPath(new URL('./writer-child.js', import.meta.url));
  let leftovers = 0;
  for (let k = 0; k < 4 && leftovers === 0; k++) {
    const child = fork(script, [p], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    await new Promise<void>((resolve) => child.on('message', () => resolve()));
    await new Promise((r) => setTimeout(r, 40 + 30 * k));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    leftovers = readdirSync(d).filter((f) => f.endsWith('.tmp')).length;
  }
  // Whether or not a kill hit mid-write, plant one as a killed save leaves it (pid gone).
  writeFileSync(join(d, '.big.safetensors.4194311.0badc0de.tmp'), new Uint8Array(1000));
  const live = spawn('sleep', ['30'], { stdio: 'ignore' });
  await new Promise((r) => live.once('spawn', r));
  const liveTmp = `.big.safetensors.${live.pid}.00c0ffee.tmp`;
  writeFileSync(join(d, liveTmp), 'being written');
  writeFileSync(join(d, '.other.bin.4194311.12345678.tmp'), 'another target');
  try {
    writeFileAtomic(p, new Uint8Array([7]));
    assert.deepEqual(readdirSync(d).sort(), ['.other.bin.4194311.12345678.tmp', liveTmp, 'big.safetensors'].sort());
    assert.deepEqual([...readFileSync(p)], [7]);
    assert.deepEqual(cleanStaleTempFiles(d), [join(d, '.other.bin.4194311.12345678.tmp')]);
  } finally {
    live.kill('SIGKILL');
  }
});
