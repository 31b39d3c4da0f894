/**
 * initWasm(): start the wasm backend where its module cannot be read synchronously (a browser
 * page or worker), and make it the active backend.
 *
 *   import { initWasm, tensor } from 'gradlab';
 *   const info = await initWasm();              // fetches dist/wasm/*.wasm next to the package
 *   // or, after a bundler copied the .wasm files: await initWasm({ url: '/assets/wasm/' })
 *   info.threads; info.note;                    // e.g. 2, or 1 with the reason (no isolation)
 *
 * Threads need shared memory, which a browser grants only to a cross-origin isolated page (served
 * with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp);
 * elsewhere the single-threaded build runs the same kernels on one thread, and `note` says why.
 * In Node it is optional (the module is read from disk on the first kernel call) but harmless.
 */
import { setBackend } from './backend/index.js';
import { wasmBackend } from './backend/wasm/index.js';
import { isNode, loadWasmModules, setWasmDefaults, sharedMemorySupported, wasmThreadsReady } from './backend/wasm/runtime.js';
import { checkOptions, num } from './tensor/options.js';

export interface InitWasmOptions {
  /** Directory URL holding gradlab-*.wasm (ending in '/'); default: the package's dist/wasm/. */
  url?: string | URL;
  /** Threads including the calling one; default: the machine's cores (1 without shared memory). */
  threads?: number;
}

export interface WasmInfo {
  threads: number;
  /** Whether the relaxed-SIMD (FMA) build runs. */
  relaxed: boolean;
  /** Whether the memory is shared (threads possible). */
  shared: boolean;
  /** crossOriginIsolated in a browser, null in Node. */
  isolated: boolean | null;
  /** One line saying what runs and, when it is one thread, why. */
  note: string;
}

export async function initWasm(opts: InitWasmOptions = {}): Promise<WasmInfo> {
  checkOptions('initWasm', opts, {
    url: (v) => (typeof v === 'string' || v instanceof URL ? null : 'must be a string or a URL'),
    threads: num({ min: 1, integer: true }),
  });
  if (opts.threads !== undefined) setWasmDefaults({ threads: opts.threads });
  if (!isNode() || opts.url !== undefined) await loadWasmModules({ url: opts.url });
  if (!wasmBackend.available()) throw new Error(`initWasm: the wasm backend cannot start: ${wasmBackend.failure()}`);
  const shared = sharedMemorySupported();
  const threads = wasmBackend.threads();
  if (opts.threads !== undefined && shared && threads !== opts.threads) {
    throw new Error(`initWasm: the wasm backend already runs on ${threads} threads (asked for ${opts.threads}); call initWasm before the first kernel`);
  }
  await wasmThreadsReady();
  setBackend('wasm');
  const iso = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  const isolated = isNode() ? null : iso === true;
  const relaxed = wasmBackend.relaxed();
  const build = `${relaxed ? 'relaxed-SIMD' : 'SIMD'} build`;
  const note = shared
    ? `wasm: ${threads} thread${threads === 1 ? '' : 's'} on one shared memory, ${build}`
    : `wasm: 1 thread, ${build} (no shared memory: ${isolated === false ? 'the page is not cross-origin isolated (COOP/COEP headers missing)' : 'SharedArrayBuffer is unavailable here'})`;
  return { threads, relaxed, shared, isolated, note };
}
