/**
 * `node dist/bench/browser.js [--threads 2] [--reps 5]`: W2 (one MLP epoch, bench/gradlab.ts) in
 * Debian's Chromium against the same wasm backend in Node and TF.js's wasm backend in the same
 * browser. Both browser sides run in module Web Workers of a cross-origin isolated page served
 * here (COOP/COEP), so both may use threads. Median of the timed epochs after one warm-up. A
 * bench, not a test: it prints figures and asserts nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { setWasmDefaults } from '../src/backend/wasm/runtime.js';
import { backend } from '../src/backend/index.js';
import { GRADLAB } from './gradlab.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const threads = Number(arg('threads', '2'));
const reps = Number(arg('reps', '5'));
const root = fileURLToPath(new URL('../../', import.meta.url));
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function main(): Promise<void> {
  // TF.js for the browser, bundled once.
  const outdir = mkdtempSync(join(tmpdir(), 'gradlab-bench-'));
  await esbuild.build({ entryPoints: [join(root, 'bench', 'browser-tfjs.ts')], bundle: true, format: 'esm', platform: 'browser', outfile: join(outdir, 'tfjs.js'), logLevel: 'error' });
  const page = `<!doctype html><meta charset="utf-8"><title>bench</title><script type="module">
    globalThis.runWorker = (url, msg) => new Promise((ok) => { const w = new Worker(url, { type: 'module' }); w.onmessage = (e) => { ok(e.data); w.terminate(); }; w.onerror = (e) => ok({ error: e.message }); w.postMessage(msg); });
  </script>`;
  const server = createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    let file: string | null = null;
    if (p.startsWith('/dist/')) file = join(root, normalize(p).slice(1));
    else if (p.startsWith('/tfjs/')) file = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist', normalize(p.slice('/tfjs/'.length)));
    else if (p === '/tfjs.js') file = join(outdir, 'tfjs.js');
    const h = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-cache' };
    if (p === '/') {
      res.writeHead(200, { ...h, 'Content-Type': 'text/html' });
      res.end(page);
      return;
    }
    if (!file || !existsSync(file)) {
      res.writeHead(404, h);
      res.end();
      return;
    }
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    res.writeHead(200, { ...h, 'Content-Type': type });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const tab = await browser.newPage();
    await tab.goto(url);
    const version = browser.version();
    type Answer = { ms?: number[]; note?: string; error?: string };
    const inTab = (worker: string, msg: object): Promise<Answer> => tab.evaluate(([w, m]) => (globalThis as unknown as { runWorker(u: string, m: object): Promise<Answer> }).runWorker(w as string, m as object), [worker, msg] as const);

    const rows: { system: string; ms: number[]; note: string }[] = [];
    const g = await inTab('/dist/bench/browser-gradlab.js', { workload: 'W2', threads, reps });
    if (g.error) throw new Error(`gradlab in Chromium: ${g.error}`);
    rows.push({ system: `gradlab wasm in Chromium ${version}`, ms: g.ms!, note: g.note! });

    setWasmDefaults({ threads });
    const run = GRADLAB.W2();
    run();
    const nodeMs: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      run();
      nodeMs.push(performance.now() - t0);
    }
    rows.push({ system: `gradlab wasm in Node ${process.version}`, ms: nodeMs, note: `${backend().name}, ${threads} threads` });

    const t = await inTab('/tfjs.js', { threads, reps });
    if (t.error) rows.push({ system: 'TF.js wasm in Chromium', ms: [], note: `failed: ${t.error}` });
    else rows.push({ system: 'TF.js wasm in Chromium', ms: t.ms!, note: t.note! });

    const base = median(rows[0].ms);
    console.log(`W2 (one MLP epoch: 10,000 × 784, 784-100-100-100-10, Adam, batch 300), ${threads} threads, median of ${reps} after a warm-up`);
    console.log('| system | median ms | runs (ms) | vs gradlab in Chromium | what ran |');
    console.log('|---|---|---|---|---|');
    for (const r of rows) {
      const m = r.ms.length ? median(r.ms) : NaN;
      console.log(`| ${r.system} | ${m.toFixed(1)} | ${r.ms.map((x) => x.toFixed(0)).join(', ')} | ${(m / base).toFixed(2)}× | ${r.note} |`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

void main();
