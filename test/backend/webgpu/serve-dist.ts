/**
 * A static server for the Chromium tests of the webgpu backend: `page` at /, files under the built
 * dist/ folder (nothing outside it), optionally cross-origin isolated (COOP/COEP: SharedArrayBuffer
 * and Atomics.wait in Workers, as the lab serves its page), and the Chromium those tests drive.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

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

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Serves `page` (as serveDist), opens it in Debian's Chromium with WebGPU on its bundled
 * SwiftShader, and runs `use` with the page and the errors it has thrown so far; closes both at
 * the end. Skips `t`, saying why, when Chromium is missing.
 */
export async function withWebGpuPage(t: TestContext, page: string, opts: { isolate?: boolean },
  use: (p: Page, errors: readonly string[]) => Promise<void>): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const server = await serveDist(page, opts);
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
  try {
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await use(p, errors);
  } finally {
    await browser.close();
    server.close();
  }
}
