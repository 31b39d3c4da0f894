/**
 * The webgpu backend in Chromium (Debian's, through playwright-core) on its bundled SwiftShader:
 * a page served from dist/ opens navigator.gpu with `await useWebGPU()` and runs the primitives
 * against the js reference, the named error of a synchronous read on the page's main thread, and
 * a small fit() (page-cases.ts); then, from a module Worker of the (cross-origin isolated) page,
 * the same backend with synchronous reads (its device in a Worker of its own). Skipped, saying why, when chromium or its WebGPU adapter is missing.
 */
import { test } from 'node:test';
import { withWebGpuPage } from './serve-dist.js';


const PAGE = `<!doctype html><meta charset="utf-8"><title>webgpu backend</title>
<script type="module">
window.runCases = async () => {
  if (!navigator.gpu) return { skip: 'navigator.gpu is missing' };
  if (!(await navigator.gpu.requestAdapter())) return { skip: 'navigator.gpu found no adapter' };
  const m = await import('/test/backend/webgpu/page-cases.js');
  return m.runPageCases();
};
window.runWorker = () => new Promise((resolve) => {
  if (!crossOriginIsolated) { resolve({ skip: 'the page is not cross-origin isolated' }); return; }
  const w = new Worker('/test/backend/webgpu/worker-entry.js', { type: 'module' });
  w.onmessage = (e) => { resolve(e.data); w.terminate(); };
  w.onerror = (e) => resolve({ results: [{ name: 'worker', error: e.message }] });
});
</script>`;


test('webgpu backend in Chromium: primitives vs js, async reads and fit() on the page; synchronous reads from a Worker', { timeout: 600_000 }, async (t) => {
  await withWebGpuPage(t, PAGE, { isolate: true }, async (page, errors) => {
    await page.waitForFunction(() => typeof (window as unknown as { runCases?: unknown }).runCases === 'function');
    const r = await page.evaluate(() => (window as unknown as { runCases: () => Promise<unknown> }).runCases()) as
      { skip?: string; adapter?: string; results?: { name: string; error: string | null }[] };
    if (r.skip) {
      t.skip(`webgpu in Chromium skipped: ${r.skip}`);
      return;
    }
    const results = r.results ?? [];
    const failed = results.filter((x) => x.error);
    console.log(`webgpu backend in Chromium (${r.adapter}), page main thread: ${results.length - failed.length}/${results.length} cases pass`);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    if (failed.length || results.length < 6) throw new Error(failed.map((x) => `${x.name}: ${x.error}`).join('\n') || `only ${results.length} cases ran`);
    const w = await page.evaluate(() => (window as unknown as { runWorker: () => Promise<unknown> }).runWorker()) as
      { skip?: string; adapter?: string; results?: { name: string; error: string | null }[] };
    if (w.skip) throw new Error(`the Worker part could not run: ${w.skip}`);
    const wr = w.results ?? [];
    const wf = wr.filter((x) => x.error);
    console.log(`webgpu backend in Chromium, from a Worker (synchronous reads): ${wr.length - wf.length}/${wr.length} cases pass`);
    if (wf.length || wr.length < 2) throw new Error(wf.map((x) => `${x.name}: ${x.error}`).join('\n') || `only ${wr.length} Worker cases ran`);
  });
});
