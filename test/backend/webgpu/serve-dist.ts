/**
 * A static server for the Chromium tests of the webgpu backend: `page` at /, files under the built
 * dist/ folder (nothing outside it), optionally cross-origin isolated (COOP/COEP: SharedArrayBuffer
 * and Atomics.wait in Workers, as the lab serves its page).
 */
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json', '.wasm': 'application/wasm' };

export function serveDist(page: string, opts: { isolate?: boolean } = {}): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (opts.isolate) {
      res.setHeader('cross-origin-opener-policy', 'same-origin');
      res.setHeader('cross-origin-embedder-policy', 'require-corp');
    }
    if (path === '/') {
      res.setHeader('content-type', 'text/html');
      res.end(page);
      return;
    }
    const file = normalize(join(DIST, path));
    if (!file.startsWith(DIST + sep)) { res.statusCode = 403; res.end(); return; }
    readFile(file).then((body) => {
      res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
      res.end(body);
    }, () => { res.statusCode = 404; res.end(); });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
