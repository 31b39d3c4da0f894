/** The code version stored with runs: git describe in a checkout, else the package version. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { codeVersion } from '../../src/track/version.js';

test('codeVersion is git describe of this checkout when git is there, and stays the same', () => {
  let described: string | null = null;
  try {
    described = execFileSync('git', ['describe', '--always', '--dirty', '--tags'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    described = null;
  }
  const v = codeVersion();
  if (described) assert.equal(v, `git:${described}`);
  else assert.match(v, /^gradlab@\d+\.\d+\.\d+/);
  assert.equal(codeVersion(), v);
});
