/**
 * The core entry ('gradlab', src/index.ts) bundles for the browser: esbuild with platform=browser
 * resolves every import (no Node built-in, no npm package reached), and the bundle names no
 * Node-only module (SQLite, vega, cli-progress) even where esbuild could resolve it. Also: the
 * core's namespaces are the browser-safe ones, and 'gradlab/node' adds the Node parts.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import * as core from '../src/index.js';
import * as node from '../src/node.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the core bundles for the browser with zero unresolved imports', async () => {
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [`${root}src/index.ts`], bundle: true, platform: 'browser', format: 'esm',
      write: false, metafile: true, logLevel: 'silent',
    });
  } catch (e) {
    const errs = (e as esbuild.BuildFailure).errors ?? [];
    const lines = errs.map((x) => `${x.location?.file ?? '?'}: ${x.text}`);
    assert.fail(`esbuild could not bundle the core for the browser (${errs.length} errors):\n${lines.join('\n')}`);
  }
  const inputs = Object.keys(result.metafile.inputs);
  const outside = inputs.filter((p) => p.includes('node_modules/'));
  assert.deepEqual(outside, [], 'the core reaches no npm package');
  const nodeOnly = inputs.filter((p) => /track\/(?!histogram|types)|tune\/|cli\/|dashboard\/|lab\/server|readers\/|data\/cache|io\/atomic|backend\/native|better-sqlite3|vega/.test(p));
  assert.deepEqual(nodeOnly, [], 'the core loads no Node-only module');
  const text = result.outputFiles[0].text;
  assert.ok(!/\brequire\(/.test(text), 'no require() in the bundle');
  assert.ok(text.length > 100_000, `a real bundle (${text.length} bytes)`);
  // The wasm runtime and its workers are in: the same kernels as in Node.
  assert.ok(inputs.some((p) => p.endsWith('backend/wasm/runtime.ts')));
});

test('the wasm worker bundles for the browser too', async () => {
  const r = await esbuild.build({ entryPoints: [`${root}src/backend/wasm/worker.ts`], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
  assert.ok(r.outputFiles[0].text.includes('Atomics.wait'));
});

test('the webgpu device Worker bundles for the browser too, and the core holds the webgpu backend', async () => {
  const r = await esbuild.build({ entryPoints: [`${root}src/backend/webgpu/web-worker.ts`], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
  assert.ok(r.outputFiles[0].text.includes('mapAsync'));
  assert.equal(typeof (core as Record<string, unknown>).useWebGPU, 'function');
});

test('gradlab has the browser-safe namespaces, gradlab/node adds the Node ones', () => {
  const c = core as Record<string, unknown>;
  const n = node as Record<string, unknown>;
  assert.equal(c.track, undefined);
  assert.equal(c.tune, undefined);
  assert.equal(typeof c.initWasm, 'function');
  assert.equal(typeof core.data.DataLoader, 'function');
  assert.equal((core.data as Record<string, unknown>).readIdx, undefined, 'no file readers in the core');
  assert.equal(typeof core.io.decodeSafetensors, 'function');
  assert.equal((core.io as Record<string, unknown>).saveSafetensors, undefined);
  assert.equal(typeof (n.track as Record<string, unknown>).RunStore, 'function');
  assert.equal(typeof (n.io as Record<string, unknown>).saveSafetensors, 'function');
  assert.equal(typeof (n.data as Record<string, unknown>).loadMnistPackage, 'function');
  assert.equal(n.tensor, c.tensor, 'one tensor function, not two copies');
  assert.equal(n.Tensor, c.Tensor);
});

test('safetensors bytes from the core round-trip', () => {
  const t = { w: core.tensor([[1, 2], [3, 4]]), b: core.tensor([0.5], { dtype: 'float64' }) };
  const bytes = core.io.safetensorsBytes(t, { note: 'x' });
  const back = core.io.decodeSafetensors(bytes);
  assert.deepEqual(back.tensors.w.toFlatArray(), [1, 2, 3, 4]);
  assert.deepEqual(back.tensors.b.toFlatArray(), [0.5]);
  assert.equal(back.metadata.note, 'x');
});
