/**
 * The lab's backend list (src/lab/client/backends.ts): names are unique, an unknown name is a
 * named error listing the offered ones, and in Node the wasm and js entries start their backend
 * and say what runs (the page and its training worker use the same entries; test/lab/server.test.ts
 * checks them in Chromium).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LAB_BACKEND, LAB_BACKENDS, labBackend } from '../../src/lab/client/backends.js';
import { backend, setBackend } from '../../src/backend/index.js';
import { wasmBackend } from '../../src/backend/wasm/index.js';

test('the lab offers wasm first, then js, then the GPU, under unique names', () => {
  assert.deepEqual(LAB_BACKENDS.map((b) => b.name), ['wasm', 'js', 'webgpu']);
  assert.equal(DEFAULT_LAB_BACKEND, 'wasm');
  assert.equal(new Set(LAB_BACKENDS.map((b) => b.name)).size, LAB_BACKENDS.length);
  for (const b of LAB_BACKENDS.filter((x) => x.name !== 'webgpu')) assert.equal(b.unavailable?.() ?? null, null, `${b.name} runs in Node`);
  // Node 20 has no navigator.gpu: the entry says why (a page without WebGPU shows the same reason).
  if (!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) assert.equal(labBackend('webgpu').unavailable?.(), 'this browser has no WebGPU (navigator.gpu is missing)');
});

test('an unknown backend is a named error that lists the offered ones', () => {
  assert.throws(() => labBackend('cuda'), { message: "lab: unknown backend 'cuda' (the lab offers 'wasm', 'js', 'webgpu')" });
  assert.equal(labBackend('js').name, 'js');
});

test('starting an entry makes its backend the active one and says what runs', async () => {
  const before = backend().name;
  try {
    const js = await labBackend('js').start({ threads: 1 });
    assert.deepEqual(js, { backend: 'js', threads: 1, note: 'js backend (the plain reference kernels), 1 thread' });
    assert.equal(backend().name, 'js');
    const threads = wasmBackend.threads();
    const w = await labBackend('wasm').start({ threads });
    assert.equal(w.backend, 'wasm');
    assert.equal(w.threads, threads);
    assert.equal(w.isolated, null, 'Node is not a page');
    assert.match(w.note, /^wasm: \d+ threads? /);
    assert.equal(backend().name, 'wasm');
  } finally {
    setBackend(before);
  }
});
