/** GRADLAB_THREADS: one check for every backend (named error, one warning above the cores). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_THREADS, ThreadsError, parseThreads } from '../../src/backend/threads.js';

test('integers 1…256 are accepted', () => {
  assert.equal(parseThreads('1', 'GRADLAB_THREADS', 4), 1);
  assert.equal(parseThreads(' 4 ', 'GRADLAB_THREADS', 4), 4);
  assert.equal(parseThreads(3, 'threads', 4), 3);
});

test('anything else is a ThreadsError naming the value', () => {
  for (const bad of ['0', '-1', '2.5', 'abc', '1e2', '', '257', '4 threads', 'NaN']) {
    assert.throws(() => parseThreads(bad, 'GRADLAB_THREADS', 4), (e: Error) => {
      assert.ok(e instanceof ThreadsError);
      assert.equal(e.name, 'ThreadsError');
      assert.match(e.message, new RegExp(`GRADLAB_THREADS must be an integer from 1 to ${MAX_THREADS}, got '${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`));
      return true;
    });
  }
});

test('a count above the cores is honoured with one warning line, once', () => {
  const lines: string[] = [];
  assert.equal(parseThreads('8', 'GRADLAB_THREADS', 2, (l) => lines.push(l)), 8);
  assert.equal(parseThreads('9', 'GRADLAB_THREADS', 2, (l) => lines.push(l)), 9);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /GRADLAB_THREADS=8 is above this machine's 2 cores/);
});
