/**
 * The heartbeat thread never keeps a process alive: a script that optimizes a study on a SQLite
 * file (which starts the thread) and never closes it still exits by itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const tuneJs = new URL('../../src/tune/index.js', import.meta.url).href;

test('a study with a running heartbeat thread does not keep the process alive', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'gradlab-heartbeat-')), 'study.db');
  const code = `import { createStudy } from ${JSON.stringify(tuneJs)};
    const s = createStudy({ studyName: 'hb', storage: ${JSON.stringify(db)} });
    await s.optimize(async (t) => { await new Promise((r) => setTimeout(r, 50)); return t.suggestFloat('x', 0, 1); }, { nTrials: 3, showProgressBar: false });
    console.log('done', s.trials.length);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.signal, null, 'the process exited by itself (not killed at the 20 s timeout)');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'done 3');
});
