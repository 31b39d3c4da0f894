/**
 * `gradlab report <run|study>`: finds a run by id or name (or a study by name), writes the
 * reports and prints their paths; an unknown name lists the recent runs and the studies.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerReport } from '../../src/cli/report.js';
import { RunStore } from '../../src/track/store.js';

function setup(): { dir: string; db: string; id: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-cli-report-'));
  const db = join(dir, 'g.db');
  const store = RunStore.open(db);
  const run = store.startRun({ name: 'first', study: 'toy', config: { lr: 0.1 }, seed: 3, handleSignals: false });
  run.logScalars({ 'train/loss': 1.5, 'val/loss': 1.75 }, 1);
  run.logScalars({ 'train/loss': 0.5, 'val/loss': 0.625 }, 2);
  run.finish();
  store.close();
  return { dir, db, id: run.id };
}

async function runCli(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const p = new Command().exitOverride();
  registerReport(p, { out: (l) => void lines.push(l) });
  await p.parseAsync(['node', 'gradlab', 'report', ...args]);
  return lines;
}

test('gradlab report <run> writes the run report and prints the paths', { timeout: 30_000 }, async () => {
  const { dir, db, id } = setup();
  const out = join(dir, 'reports');
  const lines = await runCli([id, '--db', db, '--out', out]);
  assert.deepEqual(lines, [`wrote ${join(out, `first-${id}.html`)}`, `wrote ${join(out, `first-${id}.md`)}`]);
  const md = readFileSync(join(out, `first-${id}.md`), 'utf8');
  assert.match(md, /\| val\/loss \| 2 \| 0\.625 \|/);
  assert.deepEqual(await runCli(['first', '--db', db, '--out', out]), lines); // by name too
});

test('gradlab report <study> writes the study report and each run\'s', { timeout: 30_000 }, async () => {
  const { dir, db, id } = setup();
  const out = join(dir, 'reports');
  const lines = await runCli(['toy', '--db', db, '--out', out]);
  assert.deepEqual(lines.slice(0, 2), [`wrote ${join(out, 'study-toy.html')}`, `wrote ${join(out, 'study-toy.md')}`]);
  assert.ok(existsSync(join(out, `first-${id}.html`)));
});

test('gradlab report on an unknown name lists recent runs and studies', async () => {
  const { db, id } = setup();
  await assert.rejects(runCli(['nothing', '--db', db]), (e: unknown) => {
    const m = (e as Error).message;
    assert.match(m, /^no run 'nothing' in .*g\.db; recent runs:/);
    assert.ok(m.includes(`${id}  first  (toy, finished,`));
    assert.match(m, /and no study 'nothing' \(studies: toy\)$/);
    return true;
  });
});
