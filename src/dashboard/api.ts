/**
 * The dashboard's JSON API: everything the page shows, read through a (read-only) RunStore.
 *
 *   GET /api/runs?study=&status=&search=&limit=   { runs: RunInfo[], studies }     newest first
 *   GET /api/runs/<id>                            { run, tags, cursor, last, diagnostics }   last: final value per scalar tag;
 *                                                 diagnostics: over-fitting, dead ReLU, gradients, divergence (track/diagnostics.ts)
 *   GET /api/runs/<id>/cursor                     { status, cursor }              cheap poll for live runs
 *   GET /api/runs/<id>/scalars?tag=&afterId=      { points }
 *   GET /api/runs/<id>/histograms?tag=&afterId=   { histograms }
 *   GET /api/runs/<id>/media?kind=&tag=&afterId=  { media }     images carry a url instead of bytes
 *   GET /api/media/<id>.png | <id>.svg            an image, or an SVG figure
 *   GET /api/compare?runs=a,b,c                   { runs: [{ run, last }] }        configs + final metrics
 *
 * Errors are JSON { error } with 400 (bad parameter, named), 404 (unknown run: `recent` lists
 * the newest runs; no message names a path) or 405. NaN and infinities become null in JSON.
 */
import { MEDIA_KINDS, RUN_STATUSES, type MediaKind, type MediaRecord, type RunStatus } from '../track/types.js';
import { UnknownRunError, type RunStore } from '../track/store.js';
import { diagnoseRun } from '../track/diagnostics.js';

export interface ApiAnswer {
  status: number;
  type: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
}

class BadRequest extends Error {}

function json(status: number, value: unknown): ApiAnswer {
  return { status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new BadRequest(`parameter '${name}' must be an integer ≥ 0, got '${v}'`);
  return n;
}

function strParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  return v === null || v === '' ? undefined : v;
}

function kindParam(q: URLSearchParams): MediaKind | undefined {
  const k = strParam(q, 'kind');
  if (k === undefined) return undefined;
  if (!(MEDIA_KINDS as readonly string[]).includes(k)) throw new BadRequest(`parameter 'kind' must be one of ${MEDIA_KINDS.join(', ')}, got '${k}'`);
  return k as MediaKind;
}

function statusParam(q: URLSearchParams): RunStatus | undefined {
  const s = strParam(q, 'status');
  if (s === undefined) return undefined;
  if (!(RUN_STATUSES as readonly string[]).includes(s)) throw new BadRequest(`parameter 'status' must be one of ${RUN_STATUSES.join(', ')}, got '${s}'`);
  return s as RunStatus;
}

/** A media record as the page gets it: images point at /api/media/<id>.png, SVG figures at .svg. */
function mediaForPage(m: MediaRecord): Record<string, unknown> {
  if (m.kind === 'image') {
    const { png: _png, ...rest } = m.data;
    return { ...m, data: { ...rest, url: `/api/media/${m.id}.png` } };
  }
  if (m.kind === 'figure' && m.data.format === 'svg') {
    const { svg: _svg, ...rest } = m.data;
    return { ...m, data: { ...rest, url: `/api/media/${m.id}.svg` } };
  }
  return { ...m };
}

function lastValues(store: RunStore, id: string): Record<string, { step: number; value: number }> {
  const out: Record<string, { step: number; value: number }> = {};
  for (const [tag, p] of Object.entries(store.lastScalars(id))) out[tag] = { step: p.step, value: p.value };
  return out;
}

function unknownRun(e: UnknownRunError): ApiAnswer {
  // NOTE: not e.message: it names the store's absolute path (fine in a terminal, not on a page).
  return json(404, {
    error: `no run '${e.ref}' in this run store (see /api/runs)`,
    recent: e.recent.map((r) => ({ id: r.id, name: r.name, study: r.study, status: r.status, startedAt: r.startedAt })),
  });
}

/** Answer one GET under /api/ (path without the query string, already split from it). */
export function handleApi(store: RunStore, method: string, path: string, query: URLSearchParams): ApiAnswer {
  if (method !== 'GET' && method !== 'HEAD') return json(405, { error: `${method} ${path}: the dashboard API is read-only (GET only)` });
  try {
    return route(store, path, query);
  } catch (e) {
    if (e instanceof UnknownRunError) return unknownRun(e);
    if (e instanceof BadRequest) return json(400, { error: `${path}: ${e.message}` });
    throw e;
  }
}

function route(store: RunStore, path: string, q: URLSearchParams): ApiAnswer {
  const parts = path.split('/').slice(2).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      throw new BadRequest(`malformed path segment '${p}'`);
    }
  }); // ['runs', id, ...]
  if (parts[0] === 'runs' && parts.length === 1) {
    const limit = intParam(q, 'limit');
    const study = strParam(q, 'study');
    const status = statusParam(q);
    const search = strParam(q, 'search');
    const runs = store.listRuns({
      ...(study !== undefined ? { study } : {}), ...(status !== undefined ? { status } : {}),
      ...(search !== undefined ? { search } : {}), limit: limit ?? 500,
    });
    return json(200, { runs, studies: store.studies() });
  }
  if (parts[0] === 'runs' && parts.length >= 2 && parts[1] !== '') {
    const run = store.getRun(parts[1]!);
    const id = run.id;
    const what = parts.slice(2).join('/');
    if (what === '') return json(200, { run, tags: store.tags(id), cursor: store.cursor(id), last: lastValues(store, id), diagnostics: diagnoseRun(store, id) });
    if (what === 'cursor') return json(200, { status: run.status, endedAt: run.endedAt, cursor: store.cursor(id) });
    const tag = strParam(q, 'tag');
    const afterId = intParam(q, 'afterId');
    const filter = { ...(tag !== undefined ? { tag } : {}), ...(afterId !== undefined ? { afterId } : {}) };
    if (what === 'scalars') return json(200, { points: store.scalars(id, filter) });
    if (what === 'histograms') return json(200, { histograms: store.histograms(id, filter) });
    if (what === 'media') {
      const kind = kindParam(q);
      return json(200, { media: store.media(id, { ...filter, ...(kind !== undefined ? { kind } : {}) }).map(mediaForPage) });
    }
    return json(404, { error: `no API '${path}' (try /api/runs/${id}, /scalars, /histograms, /media or /cursor)` });
  }
  if (parts[0] === 'media' && parts.length === 2) {
    const m = /^(\d+)\.(png|svg)$/.exec(parts[1]!);
    if (!m) throw new BadRequest(`expected /api/media/<id>.png or <id>.svg, got '${parts[1]}'`);
    const rec = store.mediaById(Number(m[1]));
    if (rec !== null && m[2] === 'png' && rec.kind === 'image') {
      return { status: 200, type: 'image/png', body: rec.data.png, headers: { 'cache-control': 'max-age=3600' } };
    }
    if (rec !== null && m[2] === 'svg' && rec.kind === 'figure' && rec.data.format === 'svg') {
      // Served as an image only (the page uses <img>), and scripts inside are blocked.
      return { status: 200, type: 'image/svg+xml', body: rec.data.svg, headers: { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" } };
    }
    return json(404, { error: `no ${m[2] === 'png' ? 'image' : 'SVG figure'} with media id ${m[1]}` });
  }
  if (parts[0] === 'compare' && parts.length === 1) {
    const ids = (q.get('runs') ?? '').split(',').filter((s) => s !== '');
    if (ids.length === 0) throw new BadRequest("parameter 'runs' must list run ids separated by commas");
    return json(200, { runs: ids.map((ref) => { const run = store.getRun(ref); return { run, last: lastValues(store, run.id) }; }) });
  }
  return json(404, { error: `no API '${path}' (try /api/runs)` });
}
