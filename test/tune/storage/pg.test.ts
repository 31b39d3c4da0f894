/**
 * PostgreSQL study storage against a real server (test/pg-helpers.ts starts one): the same
 * semantics as SQLite (persistence, NaN values, attributes), versioned migrations, errors that
 * name the URL without its password, and a silent worker's trial failed after the grace period
 * and re-queued with the same parameters.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SyncPg } from '../../../src/track/pg-sync.js';
import { RandomSampler } from '../../../src/tune/samplers/random.js';
import { PgStorage, PG_TUNE_MIGRATIONS } from '../../../src/tune/storage/pg.js';
import { createStudy, loadStudy } from '../../../src/tune/study.js';
import { TrialPruned } from '../../../src/tune/trial.js';
import { pgSkipReason, startTestPg, type TestPg } from '../../pg-helpers.js';

const skip = pgSkipReason();
let pg: TestPg;
before(() => {
  if (!skip) pg = startTestPg();
});
after(() => pg?.stop());

test('a study on PostgreSQL survives the connection: trials, values, NaN, intermediate values, attributes', { skip: skip ?? false }, async () => {
  const s = createStudy({ studyName: 'persist', storage: pg.url, direction: 'maximize', sampler: new RandomSampler({ seed: 2 }) });
  s.setUserAttr('note', { a: [1, 2] });
  await s.optimize(
    (t) => {
      const x = t.suggestFloat('x', 0, 1);
      const k = t.suggestCategorical('k', ['a', 'b', null]);
      t.report(NaN, 0);
      t.report(x, 1);
      t.setUserAttr('k', k);
      if (t.number === 3) throw new TrialPruned();
      return x;
    },
    { nTrials: 5 },
  );
  const before = s.trials;
  s.close();
  const again = loadStudy({ studyName: 'persist', storage: pg.url });
  const got = again.trials;
  assert.equal(got.length, 5);
  assert.deepEqual(got.map((t) => t.number), [0, 1, 2, 3, 4]);
  assert.deepEqual(got.map((t) => t.state), ['complete', 'complete', 'complete', 'pruned', 'complete']);
  assert.deepEqual(got.map((t) => t.params), before.map((t) => t.params));
  assert.ok(Number.isNaN(got[0]!.intermediateValues.get(0)!));
  assert.equal(got[0]!.intermediateValues.get(1), got[0]!.params.x);
  assert.equal(got[3]!.value, got[3]!.params.x, 'a pruned trial keeps its last intermediate value');
  assert.deepEqual(again.userAttrs, { note: { a: [1, 2] } });
  assert.equal(again.bestValue, Math.max(...got.filter((t) => t.state === 'complete').map((t) => t.value!)));
  again.close();
});

test('errors name the URL without the password: unreachable server, missing database, schema newer than the code', { skip: skip ?? false }, () => {
  const { host, port } = pg.server;
  assert.throws(() => new PgStorage(`postgresql://gradlab:s3cret@127.0.0.1:1/postgres`), (e: Error) => {
    assert.equal(e.name, 'PgUnreachableError');
    assert.match(e.message, /^cannot reach the PostgreSQL server for postgresql:\/\/gradlab:\*\*\*@127\.0\.0\.1:1\/postgres \(.*ECONNREFUSED/);
    assert.doesNotMatch(e.message, /s3cret/);
    return true;
  });
  assert.throws(() => new PgStorage(`postgresql://gradlab:s3cret@${host}:${port}/no_such_db`), (e: Error) => {
    assert.equal(e.name, 'PgMissingDatabaseError');
    assert.equal(e.message, `database 'no_such_db' does not exist on the PostgreSQL server of postgresql://gradlab:***@${host}:${port}/no_such_db; create it first (createdb no_such_db, or CREATE DATABASE "no_such_db")`);
    return true;
  });
  const url = pg.newDatabase();
  new PgStorage(url).close();
  const raw = new SyncPg(url);
  raw.query("UPDATE gradlab_schema SET version = 99 WHERE component = 'tune'");
  raw.close();
  const withPassword = url.replace('gradlab@', 'gradlab:s3cret@');
  assert.throws(() => new PgStorage(withPassword), (e: Error) => {
    assert.equal(e.name, 'SchemaNewerError');
    assert.equal(e.message, `${withPassword.replace('s3cret', '***')}: the tune schema is version 99, newer than this gradlab understands (${PG_TUNE_MIGRATIONS.length}); upgrade gradlab on this machine to use this database`);
    return true;
  });
});

test('migrations: a version-1 database gains the heartbeat column and is marked version 2', { skip: skip ?? false }, () => {
  const url = pg.newDatabase();
  const raw = new SyncPg(url);
  raw.query('CREATE TABLE gradlab_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  raw.query(PG_TUNE_MIGRATIONS[0]!);
  raw.query("INSERT INTO gradlab_schema VALUES ('tune', 1)");
  raw.query(`INSERT INTO tune_studies (study_name, direction, user_attrs, system_attrs, datetime_start) VALUES ('old', 'minimize', '{}', '{}', 0)`);
  const cols = (): string[] => raw.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'tune_trials' ORDER BY column_name").rows.map((r) => String(r.column_name));
  assert.ok(!cols().includes('heartbeat'));
  const st = new PgStorage(url);
  assert.ok(cols().includes('heartbeat'));
  assert.deepEqual(raw.query("SELECT version FROM gradlab_schema WHERE component = 'tune'").rows, [{ version: 2 }]);
  assert.equal(st.getStudy('old')!.direction, 'minimize', 'the old study is still there');
  st.close();
  raw.close();
});

test('a worker silent past the grace period: its trial is failed and re-queued with the same parameters, then claimed', { skip: skip ?? false }, () => {
  const url = pg.newDatabase();
  createStudy({ studyName: 'grace', storage: url, deadWorkers: { graceSeconds: 60, heartbeatSeconds: 10, requeue: true } }).close();
  const a = new PgStorage(url);
  const id = a.getStudy('grace')!.studyId;
  const t = a.claimTrial(id);
  a.setTrialParam(t.trialId, 'x', 0.25, { kind: 'float', low: 0, high: 1, log: false, step: null } as never);
  // A worker on another machine: its pid means nothing here, only its heartbeat counts.
  a.setTrialSystemAttr(t.trialId, 'hostname', 'another-machine');
  const b = new PgStorage(url);
  assert.equal(b.tryClaimTrial(id, { maxTrials: 1 }), null, 'still within the grace period: trial 0 is running and counts');
  a.heartbeat([t.trialId]);
  // Its last heartbeat 2 minutes ago by the server's clock (no waiting: tests do not depend on time).
  const raw = new SyncPg(url);
  raw.query('UPDATE tune_trials SET heartbeat = heartbeat - 120000 WHERE trial_id = $1', [t.trialId]);
  raw.close();
  const claimed = b.tryClaimTrial(id, { maxTrials: 1 })!;
  assert.equal(claimed.number, 1);
  assert.deepEqual(claimed.systemAttrs.fixedParams, { x: 0.25 });
  assert.equal(claimed.systemAttrs.requeuedFrom, 0);
  const dead = b.getTrial(t.trialId);
  assert.equal(dead.state, 'fail');
  assert.equal(dead.systemAttrs.requeuedAs, 1);
  assert.match(String(dead.systemAttrs.failReason), /^worker process \d+ on another-machine sent no heartbeat for 1\d\d\.\d s \(grace period 60 s\)$/);
  assert.throws(() => a.finishTrial(t.trialId, 'complete', 1), { message: 'trial 0 already finished as fail; it cannot be told again' });
  b.finishTrial(claimed.trialId, 'complete', 0.0625);
  assert.equal(b.tryClaimTrial(id, { maxTrials: 1 }), null, 'the re-queued trial took the failed one\'s place in the budget');
  a.close();
  b.close();
});
