/**
 * `node dist/bench/browser.js [--threads 2] [--reps 5] [--rounds 3] [--profile]`: W2 (one MLP
 * epoch, bench/gradlab.ts) in Debian's Chromium against the same wasm backend in Node and TF.js's
 * wasm backend in the same browser. Both browser sides run in module Web Workers of a
 * cross-origin isolated page served here (COOP/COEP), so both may use threads.
 *
 * The three systems are measured in turn, `rounds` times (A/B interleaved, so a burst of load
 * from elsewhere hits all three alike); each round starts fresh workers, runs one warm-up epoch
 * and `reps` timed epochs. Printed: the median over all timed epochs per system, and the two
 * ratios of the issue per round (TF.js ÷ gradlab in Chromium, Chromium ÷ Node) with their median.
 * `--profile` adds gradlab's per-kernel profile in Chromium and in Node. A bench, not a test:
 * it prints figures and asserts nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { setWasmDefaults } from '../src/backend/wasm/runtime.js';
import { GRADLAB } from './gradlab.js';
import { profile, timedBackend, type KernelTime, type Profile } from './profile.js';
import { registerBackend, setBackend } from '../src/backend/index.js';
import { wasmBackend } from '../src/backend/wasm/index.js';
import { benchArgs } from './args.js';

const { arg, flag } = benchArgs('bench/browser', ['threads', 'reps', 'rounds'], ['profile']);
const threads = Number(arg('threads', '2'));
const reps = Number(arg('reps', '5'));
const rounds = Number(arg('rounds', '3'));
const wantProfile = flag('profile');
const root = fileURLToPath(new URL('../../', import.meta.url));
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/** The .wasm files TF.js fetched in the current round (which of its three builds runs). */
const tfjsWasmFiles = new Set<string>();

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
    else if (p.startsWith('/tfjs/')) {
      file = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist', normalize(p.slice('/tfjs/'.length)));
      if (p.endsWith('.wasm')) tfjsWasmFiles.add(p.slice('/tfjs/'.length));
    }
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
    type Answer = { ms?: number[]; note?: string; error?: string; profile?: Profile | null };
    const inTab = (worker: string, msg: object): Promise<Answer> => tab.evaluate(([w, m]) => (globalThis as unknown as { runWorker(u: string, m: object): Promise<Answer> }).runWorker(w as string, m as object), [worker, msg] as const);

    setWasmDefaults({ threads });
    const nodeTimes = new Map<string, KernelTime>();
    registerBackend(timedBackend(wasmBackend, 'wasm-profile', nodeTimes));
    const inNode = (): Answer => {
      setBackend('wasm');
      const run = GRADLAB.W2();
      run();
      const ms: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        run();
        ms.push(performance.now() - t0);
      }
      let prof: Profile | null = null;
      if (wantProfile) {
        setBackend('wasm-profile');
        prof = profile(run, reps, nodeTimes);
        setBackend('wasm');
      }
      return { ms, note: `wasm, ${wasmBackend.threads()} thread${wasmBackend.threads() === 1 ? '' : 's'}, ${wasmBackend.relaxed() ? 'relaxed-SIMD' : 'SIMD'} build`, profile: prof };
    };

    const systems = [`gradlab wasm in Chromium ${version}`, `gradlab wasm in Node ${process.version}`, 'TF.js wasm in Chromium'];
    const all: number[][] = [[], [], []];
    const notes = ['', '', ''];
    const perRound: { tfjs: number; chromium: number; node: number }[] = [];
    const profiles: (Profile | null)[] = [null, null];
    for (let round = 0; round < rounds; round++) {
      tfjsWasmFiles.clear();
      const g = await inTab('/dist/bench/browser-gradlab.js', { workload: 'W2', threads, reps, profile: wantProfile });
      if (g.error) throw new Error(`gradlab in Chromium: ${g.error}`);
      const n = inNode();
      const t = await inTab('/tfjs.js', { threads, reps });
      if (t.error) throw new Error(`TF.js in Chromium: ${t.error}`);
      const answers = [g, n, t];
      answers.forEach((a, i) => {
        all[i].push(...a.ms!);
        notes[i] = a.note!;
      });
      notes[2] += `; fetched ${[...tfjsWasmFiles].join(', ') || 'no .wasm'}`;
      if (g.profile) profiles[0] = g.profile;
      if (n.profile) profiles[1] = n.profile;
      perRound.push({ chromium: median(g.ms!), node: median(n.ms!), tfjs: median(t.ms!) });
      console.error(`round ${round + 1}/${rounds}: gradlab Chromium ${median(g.ms!).toFixed(1)} ms, Node ${median(n.ms!).toFixed(1)} ms, TF.js ${median(t.ms!).toFixed(1)} ms (load ${loadavg()[0].toFixed(2)})`);
    }

    const base = median(all[0]);
    console.log(`W2 (one MLP epoch: 10,000 × 784, 784-100-100-100-10, Adam, batch 300), ${threads} threads, ${rounds} rounds × ${reps} epochs after a warm-up each, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log('| system | median ms | all epochs (ms) | vs gradlab in Chromium | what ran |');
    console.log('|---|---|---|---|---|');
    systems.forEach((name, i) => {
      const m = median(all[i]);
      console.log(`| ${name} | ${m.toFixed(1)} | ${all[i].map((x) => x.toFixed(0)).join(', ')} | ${(m / base).toFixed(2)}× | ${notes[i]} |`);
    });
    const tf = perRound.map((r) => r.tfjs / r.chromium);
    const cn = perRound.map((r) => r.chromium / r.node);
    const fmt = (a: number[]): string => `${a.map((x) => x.toFixed(2)).join(', ')} (median ${median(a).toFixed(2)}×)`;
    console.log(`TF.js wasm ÷ gradlab wasm, both in Chromium, per round: ${fmt(tf)}   target ≥ 8×`);
    console.log(`gradlab Chromium ÷ gradlab Node, per round: ${fmt(cn)}   target ≤ 1.3×`);
    for (const [i, p] of profiles.entries()) {
      if (!p) continue;
      console.log(`\nProfile, ${i === 0 ? 'Chromium' : 'Node'}: ${p.totalMs.toFixed(1)} ms per epoch with the timers on, ${p.kernelMs.toFixed(1)} in kernels, ${(p.totalMs - p.kernelMs).toFixed(1)} outside`);
      for (const k of p.kernels.slice(0, 16)) console.log(`${k.ms.toFixed(2).padStart(8)} ms ${String(k.calls).padStart(5)} calls  ${k.kernel}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

void main();
