/**
 * The lab page's files and its server (Node). `gradlab lab` serves them on 127.0.0.1 with the
 * cross-origin isolation headers (COOP same-origin, COEP require-corp) that give the page shared
 * memory, so the wasm backend runs on several Web Workers; `gradlab lab --build <dir>` writes the
 * same files as a static site (with a `_headers` file for hosts that read one; a host that sends
 * no such headers gets the one-thread build, and the page says so).
 *
 * What is served is a fixed list, made here:
 *   index.html, style.css      src/lab/static/
 *   js/<module>.js             the compiled modules the page and its workers import (dist/src/),
 *                              found by following their relative imports from the lab's entries
 *   wasm/gradlab-*.wasm        dist/wasm/ (the same kernels Node runs)
 *   vendor/vega*.min.js        the browser builds of vega and vega-lite (the charts)
 *   assets/mnist-digits.bin    the `mnist` package's 10,000 digits (lab/mnist-asset.ts)
 * Any other path is a 404: nothing outside the list can be reached.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnistPackage } from '../data/mnist.js';
import { encodeDigits } from './mnist-asset.js';

const here = dirname(fileURLToPath(import.meta.url)); // <root>/dist/src/lab
const distSrc = resolve(here, '..');
const packageRoot = resolve(here, '..', '..', '..');
const STATIC = join(packageRoot, 'src', 'lab', 'static');
const WASM = join(packageRoot, 'dist', 'wasm');
const ENTRIES = ['lab/client/main.js', 'lab/client/trainer.js', 'backend/wasm/worker.js', 'backend/webgpu/web-worker.js'];
const WASM_FILES = ['gradlab-mt-relaxed.wasm', 'gradlab-mt.wasm', 'gradlab-st.wasm'];

export const DEFAULT_LAB_PORT = 8790;

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8',
  wasm: 'application/wasm', bin: 'application/octet-stream',
};

/** A file of the lab: where it is read from, or how it is made. */
export type LabFile = { path: string } | { make: () => Uint8Array };

const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(?\s*|new URL\(\s*)['"](\.\.?\/[^'"]+\.js)['"]/g;

/** The compiled modules reachable from the lab's entries by relative imports (and worker URLs). */
export function moduleClosure(entries: readonly string[] = ENTRIES, root = distSrc): string[] {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length) {
    const rel = todo.pop()!;
    if (seen.has(rel)) continue;
    const file = join(root, rel);
    if (!existsSync(file)) throw new Error(`lab: ${file} is missing (run 'npx tsc -p tsconfig.json' or 'npm run build')`);
    seen.add(rel);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const next = new URL(m[1], `file:///${rel}`).pathname.slice(1);
      if (next.startsWith('..')) throw new Error(`lab: ${rel} imports ${m[1]}, outside dist/src`);
      todo.push(next);
    }
  }
  return [...seen].sort();
}

function vendorFile(pkg: string, file: string): string {
  const req = createRequire(import.meta.url);
  try {
    return join(dirname(req.resolve(pkg)), file);
  } catch {
    return join(packageRoot, 'node_modules', pkg, 'build', file);
  }
}

let digits: Uint8Array | null = null;

/** Every file of the lab by its URL path (no leading slash). */
export function labFiles(): Map<string, LabFile> {
  const files = new Map<string, LabFile>();
  files.set('index.html', { path: join(STATIC, 'index.html') });
  files.set('style.css', { path: join(STATIC, 'style.css') });
  for (const rel of moduleClosure()) files.set(`js/${rel}`, { path: join(distSrc, rel) });
  for (const f of WASM_FILES) files.set(`wasm/${f}`, { path: join(WASM, f) });
  files.set('vendor/vega.min.js', { path: vendorFile('vega', 'vega.min.js') });
  files.set('vendor/vega-lite.min.js', { path: vendorFile('vega-lite', 'vega-lite.min.js') });
  files.set('assets/mnist-digits.bin', { make: () => (digits ??= encodeDigits(loadMnistPackage())) });
  return files;
}

function bytesOf(f: LabFile): Uint8Array {
  return 'path' in f ? readFileSync(f.path) : f.make();
}

export interface LabServerOptions {
  port?: number;
  host?: string;
  /** Send the cross-origin isolation headers (default true); false serves a one-thread page. */
  isolate?: boolean;
}

export interface LabServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function startLab(o: LabServerOptions = {}): Promise<LabServer> {
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? DEFAULT_LAB_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`lab: port must be an integer in 0..65535, got ${port}`);
  const files = labFiles();
  for (const [name, f] of files) if ('path' in f && !existsSync(f.path)) throw new Error(`lab: ${name} comes from ${f.path}, which is missing (run 'npm run build'; vega and vega-lite must be installed)`);
  const isolate = o.isolate ?? true;
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const f = req.method === 'GET' || req.method === 'HEAD' ? files.get(path) : undefined;
    const headers: Record<string, string> = { 'Cache-Control': 'no-cache', ...(isolate ? ISOLATION_HEADERS : {}) };
    if (!f) {
      res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 404 : 405, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`lab: no file '${path}'\n`);
      return;
    }
    let body: Uint8Array;
    try {
      body = bytesOf(f);
    } catch (e) {
      res.writeHead(500, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`lab: cannot read ${path}: ${(e as Error).message}\n`);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'application/octet-stream', 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => fail(e.code === 'EADDRINUSE' ? new Error(`lab: port ${port} on ${host} is in use; pass another with --port (0: any free port)`) : e));
    server.listen(port, host, () => ok());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}/`, port: addr.port, server,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}

/** Writes the lab as static files into `dir`; returns the files written (relative paths) and bytes. */
export function buildLab(dir: string): { files: string[]; bytes: number } {
  const out = resolve(dir);
  const files = labFiles();
  let bytes = 0;
  const written: string[] = [];
  for (const [name, f] of files) {
    const target = join(out, name);
    mkdirSync(dirname(target), { recursive: true });
    const b = bytesOf(f);
    writeFileSync(target, b);
    bytes += b.length;
    written.push(name);
  }
  const headers = `/*\n${Object.entries(ISOLATION_HEADERS).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`;
  writeFileSync(join(out, '_headers'), headers);
  written.push('_headers');
  return { files: written, bytes };
}
