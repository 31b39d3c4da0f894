/** The dashboard's file rule: a request path resolves inside its folder or is refused. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { JS_DIR, STATIC_DIR, lookupFile, safeJoin } from '../../src/dashboard/files.js';

test('safeJoin keeps paths inside the folder and refuses every way out', () => {
  const base = '/srv/static';
  assert.equal(safeJoin(base, 'style.css'), '/srv/static/style.css');
  assert.equal(safeJoin(base, 'a/b%20c.css'), '/srv/static/a/b c.css');
  assert.equal(safeJoin(base, '/etc/passwd'), '/srv/static/etc/passwd'); // a leading slash stays inside
  for (const bad of ['../x', 'a/../../x', '%2e%2e/x', '%2E%2E%2Fx', '..%2fx', 'a/%2e%2e/%2e%2e/x', '..\\x', '%5c..%5cx', 'x%00.css', '%E0%A4%A', './x']) {
    assert.equal(safeJoin(base, bad), null, bad);
  }
});

test('lookupFile maps the page, its scripts and the vendor builds, and nothing else', () => {
  const page = lookupFile('/');
  assert.deepEqual(page, { status: 200, path: join(STATIC_DIR, 'index.html'), type: 'text/html; charset=utf-8' });
  const app = lookupFile('/js/dashboard/client/app.js');
  assert.deepEqual(app, { status: 200, path: join(JS_DIR, 'dashboard', 'client', 'app.js'), type: 'text/javascript; charset=utf-8' });
  assert.equal(lookupFile('/vendor/vega.min.js').status, 200);
  assert.deepEqual(lookupFile('/js/dashboard/server.js'), { status: 404, message: "no file 'dashboard/server.js'" });
  assert.deepEqual(lookupFile('/static/../../package.json'), { status: 403, message: "refused: '../../package.json' is outside the served folders" });
  assert.deepEqual(lookupFile('/vendor/../package.json'), { status: 404, message: "no file '../package.json'" });
  assert.equal(lookupFile('/static/nope.css').status, 404);
});
