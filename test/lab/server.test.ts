/**
 * The lab page in a real browser (Debian's chromium through playwright-core): it trains the MNIST
 * MLP for 3 epochs in the tab, on 2 threads (served with COOP/COEP: cross-origin isolated, shared
 * memory, Web Workers) and on 1 (served without them: the single-threaded build), and its losses
 * equal, bit for bit, those of the same code in this Node process on the same wasm build with the
 * same thread count and seed; both are printed. Also: the served file list, the static build, and
 * the downloads (the model as safetensors that decodes, the run file that imports).
 * Skips, saying why, when /usr/bin/chromium is missing (`apt-get install chromium`).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { registerLab } from '../../src/cli/lab.js';
import { runCli } from '../cli-helpers.js';
import { registerBackend, setBackend } from '../../src/backend/index.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { setWasmDefaults } from '../../src/backend/wasm/runtime.js';
import { loadMnistPackage } from '../../src/data/mnist.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { decodeDigits, encodeDigits } from '../../src/lab/mnist-asset.js';
import { trainMnistMlp, type MnistMlpResult } from '../../src/lab/mnist-mlp.js';
import { trainS5 } from '../../src/lab/s5.js';
import { trainAttention } from '../../src/lab/attention.js';
import { parseRunFile } from '../../src/lab/run-file.js';
import { buildLab, labFiles, startLab } from '../../src/lab/server.js';
import { importRun } from '../../src/cli/import.js';
import { startDashboard } from '../../src/dashboard/server.js';
import { RunStore } from '../../src/track/store.js';
import { LAB_BACKENDS } from '../../src/lab/client/backends.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const EPOCHS = 3;
const SEED = 1;

interface PageRun {
  status: string;
  error: string | null;
  info: { backend: string; threads: number; note: string; relaxed?: boolean; isolated?: boolean };
  losses: number[];
  testAccuracy: number;
  valAccuracy: number[];
}

const digits = decodeDigits(encodeDigits(loadMnistPackage()));

/** The same code in this process: `threads` threads on the shared build, or the single-thread build. */
async function nodeRun(name: string, opts: { threads: number; shared: boolean; relaxed: boolean }): Promise<MnistMlpResult> {
  registerBackend(createWasmBackend(opts, name));
  setBackend(name);
  return trainMnistMlp(digits, { seed: SEED, epochs: EPOCHS });
}

function show(label: string, losses: number[]): string {
  const f = (v: number): string => v.toPrecision(17);
  return `${label}: ${losses.length} losses  first ${losses.slice(0, 3).map(f).join(', ')}  last ${f(losses[losses.length - 1])}`;
}

test('the lab serves a fixed list of files, and --build writes them with the isolation headers', () => {
  const files = [...labFiles().keys()];
  for (const f of ['index.html', 'style.css', 'js/lab/client/main.js', 'js/lab/client/trainer.js', 'js/backend/wasm/worker.js', 'wasm/gradlab-st.wasm', 'wasm/gradlab-mt.wasm', 'vendor/vega.min.js', 'assets/mnist-digits.bin']) {
    assert.ok(files.includes(f), `serves ${f}`);
  }
  assert.ok(!files.some((f) => /js\/(track\/store|cli\/|dashboard\/server|data\/readers)/.test(f)), 'no Node-only module is served');
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-lab-build-'));
  const r = buildLab(dir);
  assert.equal(r.files.length, files.length + 1);
  assert.match(readFileSync(join(dir, '_headers'), 'utf8'), /Cross-Origin-Embedder-Policy: require-corp/);
  assert.deepEqual(decodeDigits(readFileSync(join(dir, 'assets', 'mnist-digits.bin'))).labels, digits.labels);
  assert.ok(readdirSync(join(dir, 'wasm')).length === 3);
});

test('gradlab lab --build writes a static site that runs from a plain static server (no isolation headers: one thread)', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-lab-site-'));
  const out = await runCli((p) => registerLab(p), ['lab', '--build', dir]);
  assert.match(out, /gradlab lab: wrote \d+ files/);
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
    return;
  }
  // The plainest static host: files by path, a content type, nothing else.
  const types: Record<string, string> = { html: 'text/html', css: 'text/css', js: 'text/javascript', wasm: 'application/wasm' };
  const server = createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html');
    const file = join(dir, normalize(p));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[file.slice(file.lastIndexOf('.') + 1)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/?demo=s5&kind=xor&hidden=3&epochs=3&autostart=1`);
    await page.waitForFunction(() => ['done', 'error'].includes((globalThis as unknown as { gradlabLab: { status: string } }).gradlabLab.status), null, { timeout: 120_000, polling: 300 });
    const got = await page.evaluate(() => (globalThis as unknown as { gradlabLab: { error: string | null; info: { threads: number; note: string }; s5: unknown[] } }).gradlabLab);
    assert.equal(got.error, null);
    assert.equal(got.s5.length, 3);
    assert.equal(got.info.threads, 1);
    assert.match(got.info.note, /not cross-origin isolated/);
    assert.match(await page.locator('#isolation').innerText(), /not cross-origin isolated/);
    assert.deepEqual(errors, []);

    // The backend menu is the list the worker starts backends from; a name the lab does not
    // offer, asked in the address, is said on the page and the default is selected.
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/?backend=cuda`);
    assert.deepEqual(await page.locator('#backend option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), LAB_BACKENDS.map((b) => b.name));
    assert.equal(await page.locator('#backend').inputValue(), 'wasm');
    assert.equal(await page.locator('#backend-note').innerText(), "backend 'cuda' from the address cannot be used (the lab offers wasm, js, webgpu); wasm is selected");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('the lab page trains the MNIST MLP in Chromium with the losses Node gets (2 threads isolated, 1 not)', { timeout: 900_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
    return;
  }
  setWasmDefaults({});
  let browser: Browser | null = null;
  const cases = [{ isolate: true, threads: 2 }, { isolate: false, threads: 1 }];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    for (const c of cases) {
      const lab = await startLab({ port: 0, isolate: c.isolate });
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await page.goto(`${lab.url}?threads=${c.threads}&epochs=${EPOCHS}&seed=${SEED}&autostart=1`);
        await page.waitForFunction(() => ['done', 'error'].includes((globalThis as unknown as { gradlabLab: { status: string } }).gradlabLab.status), null, { timeout: 600_000, polling: 500 });
        const got = await page.evaluate(() => {
          const s = (globalThis as unknown as { gradlabLab: { status: string; error: string | null; info: PageRun['info']; batches: { loss: number }[]; epochs: { metrics: Record<string, number> }[]; result: { testAccuracy: number } | null } }).gradlabLab;
          return { status: s.status, error: s.error, info: s.info, losses: s.batches.map((b) => b.loss), testAccuracy: s.result?.testAccuracy ?? NaN, valAccuracy: s.epochs.map((e) => e.metrics['val/accuracy']) };
        }) as PageRun;
        assert.equal(got.error, null);
        assert.equal(got.status, 'done');
        assert.deepEqual(errors, []);
        assert.equal(got.info.threads, c.threads, got.info.note);
        assert.equal(got.info.isolated, c.isolate);
        // The page says which backend trains, on how many threads, and why one when it is one.
        assert.equal(got.info.backend, 'wasm');
        assert.equal(await page.locator('#backend-note').innerText(), got.info.note);
        assert.match(got.info.note, c.isolate ? /^wasm: 2 threads on one shared memory, (relaxed-)?SIMD build$/ : /^wasm: 1 thread, SIMD build \(no shared memory: the page is not cross-origin isolated/);
        // The same wasm build as the page: the relaxed-SIMD one when isolated (if the page runs it), else the single-thread one.
        const node = await nodeRun(`wasm-lab-${c.threads}`, { threads: c.threads, shared: c.isolate, relaxed: got.info.relaxed === true });
        t.diagnostic(`page (${got.info.note})`);
        t.diagnostic(show('  Chromium', got.losses));
        t.diagnostic(show('  Node    ', node.losses));
        t.diagnostic(`  test accuracy: Chromium ${got.testAccuracy}, Node ${node.testAccuracy}; val accuracy per epoch ${got.valAccuracy.join(', ')}`);
        assert.equal(got.losses.length, EPOCHS * 27);
        assert.deepEqual(got.losses, node.losses, 'every batch loss equal, bit for bit');
        assert.equal(got.testAccuracy, node.testAccuracy);
        assert.ok(got.testAccuracy > 0.85, `it learns (test accuracy ${got.testAccuracy})`);

        // The charts are drawn (SVG from the report specs) and the downloads work.
        assert.ok(await page.locator('.card[data-key="loss"] svg').count() > 0);
        assert.ok(await page.locator('.card[data-key="confusion"] svg').count() > 0);
        const [model] = await Promise.all([page.waitForEvent('download'), page.click('#dl-model')]);
        const st = decodeSafetensors(readFileSync((await model.path())!));
        assert.deepEqual(st.tensors['0.weight'].shape, [100, 784]);
        const [run] = await Promise.all([page.waitForEvent('download'), page.click('#dl-run')]);
        const rf = parseRunFile(JSON.parse(readFileSync((await run.path())!, 'utf8')));
        assert.deepEqual(rf.scalars.filter((s) => s.tag === 'batch/loss').map((s) => s.value), node.losses);
        // `gradlab import` of that file: the run is in the store, and the dashboard shows it.
        const db = join(mkdtempSync(join(tmpdir(), 'gradlab-lab-import-')), 'runs.db');
        const store = RunStore.open(db);
        const id = importRun(store, rf);
        assert.deepEqual(store.scalars(id, { tag: 'batch/loss' }).map((s) => s.value), node.losses);
        assert.equal(store.histograms(id).length, EPOCHS * 8);
        store.close();
        const dash = await startDashboard({ db, port: 0 });
        try {
          const dp = await context.newPage();
          await dp.goto(`${dash.url}#runs=${id}&tab=scalars`);
          await dp.waitForSelector('.card[data-key="loss"] .vega svg');
          assert.match(await dp.locator('body').innerText(), /lab-mnist-mlp-seed1/);
          if (process.env.GRADLAB_SCREENSHOTS) await dp.screenshot({ path: join(process.env.GRADLAB_SCREENSHOTS, `dashboard-imported-${c.threads}t.png`), fullPage: true });
          await dp.close();
        } finally {
          await dash.close();
        }
        if (process.env.GRADLAB_SCREENSHOTS) await page.screenshot({ path: join(process.env.GRADLAB_SCREENSHOTS, `lab-mnist-${c.threads}t.png`), fullPage: true });
      } finally {
        await context.close();
        await lab.close();
      }
    }
  } finally {
    await browser?.close();
  }
});

test('the lab page draws S5 decision boundaries with the losses Node gets, the S6 graph with its gradients, and the attention heat-map', { timeout: 300_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
    return;
  }
  const lab = await startLab({ port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${lab.url}?demo=s5&kind=xor&hidden=4&epochs=30&seed=3&threads=2&autostart=1`);
    await page.waitForFunction(() => ['done', 'error'].includes((globalThis as unknown as { gradlabLab: { status: string } }).gradlabLab.status), null, { timeout: 240_000, polling: 300 });
    const got = await page.evaluate(() => (globalThis as unknown as { gradlabLab: { error: string | null; info: { relaxed?: boolean }; s5: { loss: number; testAccuracy: number }[] } }).gradlabLab);
    assert.equal(got.error, null);
    assert.deepEqual(errors, []);
    registerBackend(createWasmBackend({ threads: 2, shared: true, relaxed: got.info.relaxed === true }, 'wasm-lab-s5'));
    setBackend('wasm-lab-s5');
    const node = await trainS5({ kind: 'xor', hidden: 4, seed: 3, epochs: 30 });
    t.diagnostic(show('Chromium', got.s5.map((e) => e.loss)));
    t.diagnostic(show('Node    ', node.losses));
    assert.deepEqual(got.s5.map((e) => e.loss), node.losses);
    assert.equal(got.s5[got.s5.length - 1].testAccuracy, node.testAccuracy);
    assert.ok(node.testAccuracy > 0.9, `XOR is learnt (test accuracy ${node.testAccuracy})`);
    await page.waitForSelector('.card[data-key="boundary"] svg');
    assert.match(await page.locator('.card[data-key="boundary"]').innerText(), /xor, 4 hidden tanh units, epoch 30/);

    // S6: the graph autograd recorded, every node's value and gradient, equal to the closed forms.
    await page.goto(`${lab.url}?demo=s6&autostart=1`);
    await page.waitForFunction(() => (globalThis as unknown as { gradlabLab: { status: string } }).gradlabLab.status === 'done');
    const nodes = await page.evaluate(() => (globalThis as unknown as { gradlabLab: { graph: { nodes: { name: string; value: number; grad: number; expected: number }[] } } }).gradlabLab.graph.nodes);
    const byName = Object.fromEntries(nodes.map((n) => [n.name, n]));
    // x=2, m=3, b=1, y*=4: z=6, a=7, y=7, o=9; r = 2(y − y*) = 6, s = 1.
    assert.deepEqual(['x', 'm', 'b', 'y*', 'z', 'a', 'y', 'o'].map((k) => [byName[k].value, byName[k].grad]), [[2, 18], [3, 12], [1, 6], [4, -6], [6, 6], [7, 6], [7, 6], [9, 1]]);
    for (const n of nodes) assert.equal(n.grad, n.expected, n.name);
    assert.equal(await page.locator('svg.graph g[data-node]').count(), 9);
    assert.deepEqual(errors, []);
    if (process.env.GRADLAB_SCREENSHOTS) await page.screenshot({ path: join(process.env.GRADLAB_SCREENSHOTS, 'lab-s6.png'), fullPage: true });

    // Attention on the bundled text set: per-epoch losses equal Node's, and the heat-map is drawn.
    await page.goto(`${lab.url}?demo=attention&epochs=4&seed=2&threads=2&autostart=1`);
    await page.waitForFunction(() => ['done', 'error'].includes((globalThis as unknown as { gradlabLab: { status: string } }).gradlabLab.status), null, { timeout: 120_000, polling: 300 });
    const att = await page.evaluate(() => (globalThis as unknown as { gradlabLab: { error: string | null; attention: { metrics: Record<string, number> }[] } }).gradlabLab);
    assert.equal(att.error, null);
    const nodeAtt = await trainAttention({ seed: 2, epochs: 4 });
    assert.deepEqual(att.attention.map((e) => e.metrics['train/loss']), nodeAtt.losses);
    await page.waitForSelector('.card[data-key="heatmap"] .tok');
    assert.equal(await page.locator('.card[data-key="heatmap"] .tok').count(), 6 * 8);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await lab.close();
  }
});

test('the lab page offers the GPU when the browser has one and trains there (webgpu on chromium\'s SwiftShader), saying which backend trains', { timeout: 600_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
    return;
  }
  const lab = await startLab({ port: 0, isolate: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${lab.url}?backend=webgpu&epochs=1&seed=${SEED}&autostart=1`);
    await page.waitForFunction(() => ['done', 'error'].includes((globalThis as unknown as { gradlabLab: { status: string } }).gradlabLab.status), null, { timeout: 500_000, polling: 500 });
    const got = await page.evaluate(() => {
      const s = (globalThis as unknown as { gradlabLab: { status: string; error: string | null; info: PageRun['info'] & { backend: string }; batches: { loss: number }[]; result: { testAccuracy: number } | null } }).gradlabLab;
      const opt = document.querySelector<HTMLOptionElement>('#backend option[value="webgpu"]');
      return { status: s.status, error: s.error, info: s.info, losses: s.batches.map((b) => b.loss), acc: s.result?.testAccuracy ?? NaN,
        offered: opt !== null && !opt.disabled, option: opt?.textContent ?? '', note: document.querySelector('#backend-note')?.textContent ?? '' };
    });
    if (got.error && /no GPU adapter|navigator\.gpu/.test(got.error)) {
      t.skip(`chromium offers no WebGPU adapter here: ${got.error}`);
      return;
    }
    assert.equal(got.error, null);
    assert.deepEqual(errors, []);
    assert.ok(got.offered, `the webgpu option is offered: '${got.option}'`);
    assert.equal(got.info.backend, 'webgpu');
    assert.match(got.note, /^webgpu \(.*swiftshader.*\)/, 'the page says which backend trains');
    assert.equal(got.losses.length, 27);
    assert.ok(got.losses[26] < got.losses[0], `the loss goes down on the GPU: ${got.losses[0]} → ${got.losses[26]}`);
    t.diagnostic(`lab on webgpu (${got.note}): 1 epoch, test accuracy ${got.acc}`);
  } finally {
    await browser.close();
    await lab.close();
  }
});
