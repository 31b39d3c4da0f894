/** `gradlab export tensorboard`: writes the event file, reports what it wrote, and names bad input clearly. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { registerExport } from '../../src/cli/export.js';
import { RunStore } from '../../src/track/store.js';
import { decodeEvent, readRecords } from '../../src/track/tensorboard/reader.js';
import { runCli } from '../cli-helpers.js';

const gradlab = (args: string[]): Promise<string> => runCli(registerExport, args);

test('export tensorboard <name> --db --out writes the run\'s events and says where', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-cli-export-'));
  const db = join(dir, 'g.db');
  const store = RunStore.open(db);
  const run = store.startRun({ name: 'cli-run' });
  run.logScalars({ 'train/loss': 0.25, 'val/loss': 0.5 }, 1);
  run.logHistogram('weights/w', [1, 2, 3], 1);
  run.finish();
  store.close();
  const out = join(dir, 'tb');
  const said = await gradlab(['export', 'tensorboard', 'cli-run', '--db', db, '--out', out]);
  const [file] = readdirSync(out).filter((f) => f.startsWith('events.out.tfevents.'));
  assert.ok(file);
  assert.equal(said, `wrote ${join(out, file)}: 2 scalars, 1 histograms, 0 images, 0 texts\nview with: tensorboard --logdir ${out}\n`);
  const events = readRecords(readFileSync(join(out, file))).map(decodeEvent);
  assert.deepEqual(events.slice(1).map((e) => e.values[0]!.tag).sort(), ['train/loss', 'val/loss', 'weights/w']);
});

test('an unknown run lists recent runs; a file that is not SQLite is named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-cli-export-'));
  const db = join(dir, 'g.db');
  const store = RunStore.open(db);
  const run = store.startRun({ name: 'only-run', study: 'xor' });
  run.finish();
  store.close();
  await assert.rejects(gradlab(['export', 'tensorboard', 'missing', '--db', db]), (e: Error) => {
    assert.match(e.message, new RegExp(`^no run 'missing' in .*g\\.db; recent runs:\\n  ${run.id}  only-run  \\(xor, finished, `));
    return true;
  });
  const bad = join(dir, 'bad.db');
  writeFileSync(bad, 'not a database at all');
  await assert.rejects(gradlab(['export', 'tensorboard', 'x', '--db', bad]), (e: Error) => e.message.startsWith(`${bad} is not a SQLite database (its first bytes are "not a da"`));
  await assert.rejects(gradlab(['export', 'tensorboard', 'x', '--db', db, '--poll', '0']), /--poll.*expected an integer ≥ 1, got '0'/);
});
