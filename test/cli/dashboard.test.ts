/**
 * `gradlab dashboard` as the CLI runs it: it prints the database and the URL and serves the
 * page; a file that is not SQLite, a port in use and a bad --port value are errors that name
 * the path or the port.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerDashboard } from '../../src/cli/dashboard.js';
import type { Dashboard } from '../../src/dashboard/server.js';
import { RunStore } from '../../src/track/store.js';

function program(lines: string[], onListening?: (d: Dashboard) => void): Command {
  const p = new Command().exitOverride().configureOutput({ writeErr: (s) => void lines.push(s), writeOut: (s) => void lines.push(s) });
  registerDashboard(p, { out: (l) => void lines.push(l), ...(onListening ? { onListening } : {}) });
  return p;
}

function makeDb(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gradlab-cli-dash-')), 'g.db');
  const store = RunStore.open(path);
  const run = store.startRun({ name: 'cli-run', study: 'cli', handleSignals: false });
  run.logScalar('train/loss', 0.75, 1);
  run.finish();
  store.close();
  return path;
}

test('gradlab dashboard serves the page and the API, and says where', async () => {
  const db = makeDb();
  const lines: string[] = [];
  let dash: Dashboard | null = null;
  await program(lines, (d) => (dash = d)).parseAsync(['node', 'gradlab', 'dashboard', '--db', db, '--port', '0']);
  assert.ok(dash !== null);
  const d = dash as Dashboard;
  try {
    assert.equal(lines[0], `gradlab dashboard: ${db}`);
    assert.equal(lines[1], `listening on http://127.0.0.1:${d.port}/  (Ctrl-C to stop)`);
    const page = await fetch(d.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>gradlab dashboard<\/title>/);
    const runs = (await (await fetch(`${d.url}api/runs`)).json()) as { runs: { name: string }[] };
    assert.deepEqual(runs.runs.map((r) => r.name), ['cli-run']);
  } finally {
    await d.close();
  }
});

test('gradlab dashboard on a file that is not SQLite names the path', async () => {
  const bad = join(mkdtempSync(join(tmpdir(), 'gradlab-cli-dash-')), 'runs.db');
  writeFileSync(bad, 'PK\u0003\u0004 a zip file, not a database');
  await assert.rejects(program([]).parseAsync(['node', 'gradlab', 'dashboard', '--db', bad, '--port', '0']), (e: unknown) => {
    assert.ok((e as Error).message.startsWith(`${bad} is not a SQLite database`), (e as Error).message);
    return true;
  });
});

test('gradlab dashboard on a port in use names the port and suggests --port', async () => {
  const db = makeDb();
  const blocker = createServer();
  await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
  const port = (blocker.address() as { port: number }).port;
  try {
    await assert.rejects(program([]).parseAsync(['node', 'gradlab', 'dashboard', '--db', db, '--port', String(port)]), (e: unknown) => {
      assert.match((e as Error).message, new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is already in use .*pass another with --port, e\\.g\\. --port ${port + 1}`));
      return true;
    });
  } finally {
    blocker.close();
  }
});

test('gradlab dashboard rejects a --port that is not a port number', async () => {
  const lines: string[] = [];
  await assert.rejects(program(lines).parseAsync(['node', 'gradlab', 'dashboard', '--port', '70000']), /expected a port number 0\.\.65535, got '70000'/);
});

test('gradlab dashboard --host 0.0.0.0 needs --allow-remote, and then warns on stderr', async () => {
  const db = makeDb();
  await assert.rejects(program([]).parseAsync(['node', 'gradlab', 'dashboard', '--db', db, '--port', '0', '--host', '0.0.0.0']), /--host 0\.0\.0\.0 is not a loopback address.*pass --allow-remote/);
  const lines: string[] = [];
  let dash: Dashboard | null = null;
  const errWrite = process.stderr.write;
  let err = '';
  process.stderr.write = ((c: string | Uint8Array): boolean => ((err += String(c)), true)) as typeof process.stderr.write;
  try {
    await program(lines, (d) => (dash = d)).parseAsync(['node', 'gradlab', 'dashboard', '--db', db, '--port', '0', '--host', '0.0.0.0', '--allow-remote']);
  } finally {
    process.stderr.write = errWrite;
  }
  assert.ok(dash !== null);
  await (dash as Dashboard).close();
  assert.match(err, /warning: listening on 0\.0\.0\.0, not loopback, with no authentication/);
});
