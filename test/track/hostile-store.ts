/**
 * Test helper: a hostile run store. Its figures name a local file (a path and a file:// URL),
 * a loopback URL (data, lookup, image) served by a listener that counts requests, and
 * `javascript:` links; its names, tags, texts and config hold markup; one media record is
 * malformed and one spec is not Vega-Lite. Nothing a record names may be read, fetched or run.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RunStore } from '../../src/track/store.js';
import type { JsonValue } from '../../src/track/types.js';

export const SECRET = 'SECRET-MARKER-7f3a9c';
export const MARKUP = '<img src=x onerror="window.__pwned=1">';

export interface HostileStore {
  dir: string;
  dbPath: string;
  runId: string;
  secretPath: string;
  /** Requests the loopback listener received (method + url). */
  requests: string[];
  listener: Server;
  listenerUrl: string;
  close(): Promise<void>;
}

export async function makeHostileStore(): Promise<HostileStore> {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-hostile-'));
  const secretPath = join(dir, 'secret.csv');
  writeFileSync(secretPath, `secret\n${SECRET}\n`);
  const requests: string[] = [];
  const listener = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/csv', 'access-control-allow-origin': '*' });
    res.end(`secret\n${SECRET}-from-listener\n`);
  });
  await new Promise<void>((ok) => listener.listen(0, '127.0.0.1', ok));
  const port = (listener.address() as { port: number }).port;
  const listenerUrl = `http://127.0.0.1:${port}`;

  const dbPath = join(dir, 'hostile.db');
  const store = RunStore.open(dbPath);
  const run = store.startRun({ name: `evil ${MARKUP}`, study: '<script>window.__pwned=2</script>', config: { note: `<iframe src="${listenerUrl}/iframe">` } as Record<string, JsonValue> });
  run.logScalar(`loss<b>${MARKUP}</b>`, 1, 1);
  run.logText('notes', `<script>window.__pwned=3</script>${MARKUP}`, 1);
  const textMark = { mark: 'text', encoding: { text: { field: 'secret', type: 'nominal' } } };
  const fig = (tag: string, spec: Record<string, unknown>): void => run.logFigure(tag, { format: 'vega-lite', spec: spec as Record<string, JsonValue> }, 1);
  fig('file/path', { data: { url: secretPath, format: { type: 'csv' } }, ...textMark });
  fig('file/url', { data: { url: pathToFileURL(secretPath).href, format: { type: 'csv' } }, ...textMark });
  fig('loopback/data', { data: { url: `${listenerUrl}/data.csv`, format: { type: 'csv' } }, ...textMark });
  fig('loopback/layers', {
    data: { values: [{ k: 1, u: `${listenerUrl}/img.png` }] },
    transform: [{ lookup: 'k', from: { data: { url: `${listenerUrl}/lookup.csv` }, key: 'k', fields: ['secret'] } }],
    layer: [
      { mark: 'image', encoding: { url: { field: 'u', type: 'nominal' }, x: { value: 10 }, y: { value: 10 } } },
      { data: { url: `${listenerUrl}/layer.json` }, mark: 'point' },
      { mark: { type: 'image', url: `${listenerUrl}/mark.png` } },
    ],
  });
  fig('links/javascript', {
    data: { values: [{ a: 1, b: 2, link: 'javascript:window.__pwned=4' }, { a: 2, b: 3, link: ' JaVa\nScRiPt:window.__pwned=5' }, { a: 3, b: 1, link: 'data:text/html,<script>window.__pwned=6</script>' }] },
    mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' }, href: { field: 'link', type: 'nominal' } },
  });
  fig('title/markup', { title: MARKUP, data: { values: [{ a: MARKUP }] }, mark: 'text', encoding: { text: { field: 'a', type: 'nominal' } } });
  fig('broken/spec', { mark: 'no-such-mark', data: { values: [] } });
  run.logFigure('svg/script', {
    format: 'svg',
    svg: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40"><script>window.__pwned=7</script><image href="${listenerUrl}/svg-image.png" width="10" height="10"/><rect width="40" height="40" fill="teal"/></svg>`,
  }, 1);
  // A malformed record, as another tool (or a hand) could write it.
  store.db.prepare("INSERT INTO media (run_id, kind, tag, step, wall_time, data, blob) VALUES (?, 'heatmap', 'broken/heatmap', 1, 0, ?, NULL)").run(run.id, '{"tokens": 5}');
  run.finish();
  store.close();
  return {
    dir, dbPath, runId: run.id, secretPath, requests, listener, listenerUrl,
    close: () => new Promise<void>((ok) => { listener.closeAllConnections(); listener.close(() => ok()); }),
  };
}
