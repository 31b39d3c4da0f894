/**
 * The files the dashboard serves, and the one rule that keeps it from serving anything else:
 * a request names a file relative to one of a few fixed folders, and the resolved path must
 * stay inside that folder (`..`, encoded `%2e%2e`, `%2f`, backslashes and NUL are refused).
 *
 *   /                      src/dashboard/static/index.html
 *   /static/<file>         src/dashboard/static/ (page styles)
 *   /js/dashboard/client/  the compiled browser code (dist/src/dashboard/client/)
 *   /js/track/report-specs.js  the Vega-Lite specs shared with the reports
 *   /js/track/figure-safety.js the loader that refuses what a record names (shared with the reports)
 *   /js/metrics/stats.js   the statistics (seed groups: mean and 95% CI)
 *   /vendor/vega.min.js, /vendor/vega-lite.min.js   the browser builds of the npm packages
 *
 * Folders are found from this module's own location (dist/src/dashboard/files.js), so the
 * dashboard works from a clone after `npm install` (which builds dist/) and from an installed
 * package alike.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url)); // <root>/dist/src/dashboard
const packageRoot = resolve(here, '..', '..', '..');

export const STATIC_DIR = join(packageRoot, 'src', 'dashboard', 'static');
/** The compiled sources (dist/src): the browser code is served from a few places under it. */
export const JS_DIR = resolve(here, '..');
const JS_ALLOWED = ['dashboard/client/', 'track/report-specs.js', 'track/figure-safety.js', 'metrics/stats.js'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function vendorFile(pkg: string, file: string): string {
  const req = createRequire(import.meta.url);
  try {
    // The packages' entry points live in their build/ folders next to the browser builds.
    return join(dirname(req.resolve(pkg)), file);
  } catch {
    return join(packageRoot, 'node_modules', pkg, 'build', file);
  }
}

const VENDOR: Record<string, () => string> = {
  'vega.min.js': () => vendorFile('vega', 'vega.min.js'),
  'vega-lite.min.js': () => vendorFile('vega-lite', 'vega-lite.min.js'),
};

export type FileAnswer =
  | { status: 200; path: string; type: string }
  | { status: 403 | 404; message: string };

/**
 * Resolve `rel` (still percent-encoded, as it came in the URL) inside `base`; null when it would
 * leave the folder or is malformed.
 */
export function safeJoin(base: string, rel: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/');
  if (parts.some((p) => p === '..' || p === '.')) return null;
  const root = resolve(base);
  const full = resolve(root, ...parts.filter((p) => p !== ''));
  if (full !== root && !full.startsWith(root + sep)) return null;
  return full;
}

function fileAnswer(full: string | null, rel: string): FileAnswer {
  if (full === null) return { status: 403, message: `refused: '${rel}' is outside the served folders` };
  if (!existsSync(full) || !statSync(full).isFile()) return { status: 404, message: `no file '${rel}'` };
  return { status: 200, path: full, type: TYPES[extname(full)] ?? 'application/octet-stream' };
}

/** Which file a non-API path names (`rawPath` as in the request line, before decoding). */
export function lookupFile(rawPath: string): FileAnswer {
  if (rawPath === '/' || rawPath === '/index.html') return fileAnswer(join(STATIC_DIR, 'index.html'), 'index.html');
  if (rawPath.startsWith('/static/')) {
    const rel = rawPath.slice('/static/'.length);
    return fileAnswer(safeJoin(STATIC_DIR, rel), rel);
  }
  if (rawPath.startsWith('/js/')) {
    const rel = rawPath.slice('/js/'.length);
    const full = safeJoin(JS_DIR, rel);
    if (full === null) return fileAnswer(null, rel);
    const inside = full.slice(JS_DIR.length + 1).split(sep).join('/');
    if (!JS_ALLOWED.some((a) => (a.endsWith('/') ? inside.startsWith(a) : inside === a || inside === a + '.map'))) {
      return { status: 404, message: `no file '${rel}'` };
    }
    return fileAnswer(full, rel);
  }
  if (rawPath.startsWith('/vendor/')) {
    const name = rawPath.slice('/vendor/'.length);
    const f = Object.hasOwn(VENDOR, name) ? VENDOR[name]!() : null;
    if (f === null) return { status: 404, message: `no file '${name}'` };
    return fileAnswer(f, name);
  }
  if (rawPath === '/favicon.ico') return { status: 404, message: 'no favicon' };
  return { status: 404, message: `no page '${rawPath}'` };
}

/** Read a served file (small files; the vendor builds are about 1 MB). */
export function readServed(path: string): Buffer {
  return readFileSync(path);
}
