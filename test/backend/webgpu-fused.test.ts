/// <reference types="@webgpu/types" />
/**
 * The WGSL fused kernels (backend/webgpu/kernels/fused.ts) against the js reference, kernel by
 * kernel (cases and tolerances in webgpu-fused-cases.ts), on awkward shapes:
 * - in Node, on a device created in this process: Dawn's Node binding (the `webgpu` package) on
 *   SwiftShader's Vulkan driver (Chromium's vk_swiftshader_icd.json) when no VK_ICD_FILENAMES is set;
 * - in Chromium (Debian's, through playwright-core) on its bundled SwiftShader: the same cases
 *   module loaded by a page served from dist/, navigator.gpu's device.
 * Each part is skipped with one line when what it needs is missing (the `webgpu` package,
 * libvulkan or the driver; chromium). The worst error of each kernel is printed.
 */
import { existsSync } from 'node:fs';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { FUSED_KERNELS } from '../../src/backend/backend.js';
import * as K from '../../src/backend/webgpu/kernels/fused.js';
import { fusedCases, useDevice, worstReport } from './webgpu-fused-cases.js';
import { withWebGpuPage } from './webgpu/serve-dist.js';
import { SWIFTSHADER_ICD, useSwiftShaderIfUnset } from './webgpu/util.js';

const ICD = SWIFTSHADER_ICD;

/** Dawn's GPU object: must stay referenced while its device lives (its instance is freed with it). */
let gpuRoot: GPU | null = null;

/** A device in this process, or the one-line reason there is none. */
async function openDevice(): Promise<GPUDevice | string> {
  useSwiftShaderIfUnset();
  let mod: { create: (o: string[]) => GPU; globals: object };
  try {
    mod = (await import('webgpu' as string)) as typeof mod;
  } catch {
    return 'webgpu fused kernels (Node) skipped: the `webgpu` package (Dawn for Node) is missing: npm install webgpu';
  }
  Object.assign(globalThis, mod.globals);
  gpuRoot = mod.create([]);
  const adapter = await gpuRoot.requestAdapter();
  if (!adapter) {
    return `webgpu fused kernels (Node) skipped: no WebGPU adapter (needs libvulkan1 and a Vulkan driver; SwiftShader's ${ICD} ${existsSync(ICD) ? 'is present' : 'is missing: install chromium'})`;
  }
  return adapter.requestDevice();
}

test('kernels/fused.ts exports exactly the fused group of backend.ts, as functions (the device registers them by name)', () => {
  const names = Object.entries(K).filter(([, f]) => typeof f === 'function').map(([n]) => n).sort();
  assert.deepEqual(names, [...FUSED_KERNELS].sort());
});

const opened = await openDevice();
if (typeof opened === 'string') {
  test('webgpu fused kernels vs js (Node)', { skip: opened }, () => undefined);
} else {
  useDevice(opened);
  for (const c of fusedCases) test(c.name, c.fn);
  after(() => {
    console.log(`webgpu fused kernels vs js (float32, Node, Dawn):\n${worstReport()}`);
    opened.destroy();
    gpuRoot = null;
  });
}

// ---------------------------------------------------------------- the same cases in Chromium

/** dist/ (the compiled tree: dist/src, dist/test), served to the page. */

const PAGE = `<!doctype html><meta charset="utf-8"><title>webgpu fused kernels</title>
<script type="module">
window.runFused = async () => {
  if (!navigator.gpu) return { skip: 'navigator.gpu is missing' };
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { skip: 'navigator.gpu found no adapter' };
  const m = await import('/test/backend/webgpu-fused-cases.js');
  const device = await adapter.requestDevice();
  m.useDevice(device);
  const results = [];
  for (const c of m.fusedCases) {
    try { await c.fn(); results.push({ name: c.name, error: null }); }
    catch (e) { results.push({ name: c.name, error: String(e && e.message || e) }); }
  }
  device.destroy();
  return { adapter: [adapter.info.vendor, adapter.info.architecture].join(' '), results, worst: m.worstReport() };
};
</script>`;


test('webgpu fused kernels vs js in Chromium (navigator.gpu on SwiftShader)', async (t) => {
  await withWebGpuPage(t, PAGE, {}, async (page) => {
    await page.waitForFunction(() => typeof (window as unknown as { runFused?: unknown }).runFused === 'function');
    const r = await page.evaluate(() => (window as unknown as { runFused: () => Promise<unknown> }).runFused()) as
      { skip?: string; adapter?: string; results?: { name: string; error: string | null }[]; worst?: string };
    if (r.skip) {
      t.skip(`webgpu fused kernels (Chromium) skipped: ${r.skip}`);
      return;
    }
    const failed = (r.results ?? []).filter((x) => x.error);
    console.log(`webgpu fused kernels vs js (float32, Chromium, ${r.adapter}): ${(r.results ?? []).length - failed.length}/${(r.results ?? []).length} cases pass\n${r.worst}`);
    if (failed.length) throw new Error(failed.map((x) => `${x.name}: ${x.error}`).join('\n'));
    if ((r.results ?? []).length !== fusedCases.length) throw new Error(`Chromium ran ${(r.results ?? []).length} cases, Node has ${fusedCases.length}`);
  });
});
