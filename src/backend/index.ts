/**
 * The active backend. Tensor operations call `backend()` for every kernel; a study or a user
 * switches with `setBackend(name)` or the GRADLAB_BACKEND environment variable (the CLI's
 * `--backend` calls setBackend).
 *
 * Default order: `native` (C++ kernels built at install; Node only), then `wasm` (SIMD kernels on
 * all cores), then `js`. The native backend is Node-only, so the core never imports it: the Node
 * entry (`gradlab/node`), the CLI and the test runner load it with `registerNativeLoader`
 * (backend/native/register.ts); the core alone in Node runs on wasm and says so once. The choice is made on the first kernel call, so importing gradlab starts
 * no threads; when a preferred backend cannot be used, one line on stderr says why.
 *
 * backend() returns the backend completed: a fused kernel (backend.ts, FusedKernels) the backend
 * lacks is filled in with its composition from the backend's primitives (compose.ts), so callers
 * always call the same method.
 */
import type { Backend, Kernels } from './backend.js';
import { FUSED_KERNELS } from './backend.js';
import { composeFused } from './compose.js';
import { jsBackend } from './js/index.js';
import { wasmBackend } from './wasm/index.js';
import { createWebGpuBackend } from './webgpu/index.js';

const registry = new Map<string, Backend>([['js', jsBackend], ['wasm', wasmBackend]]);
const completed = new WeakMap<Backend, Kernels>();
let active: Kernels | null = null;
let fallbackNote: string | null = null;

/** The named error for an unknown or unusable backend name. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
}

/** b with every fused kernel it lacks composed from its primitives (cached per backend). */
export function complete(b: Backend): Kernels {
  let k = completed.get(b);
  if (!k) {
    const missing = FUSED_KERNELS.filter((name) => typeof b[name] !== 'function');
    k = missing.length === 0 ? (b as Kernels) : ({ ...composeFused(b), ...b } as Kernels);
    completed.set(b, k);
  }
  return k;
}

/** The fused kernels a backend brings itself (the rest are composed). */
export function ownFusedKernels(b: Backend): string[] {
  return FUSED_KERNELS.filter((name) => typeof b[name] === 'function');
}

export function registerBackend(b: Backend): void {
  registry.set(b.name, b);
}

type NativeLoader = () => { backend: Backend } | { error: string };
let nativeLoader: NativeLoader | null = null;

/** Makes the Node-only native backend available (called by backend/native/register.ts). */
export function registerNativeLoader(load: NativeLoader): void {
  nativeLoader = load;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** Loads the native backend into the registry; the reason when it cannot be used here. */
function tryNative(): string | null {
  if (registry.has('native')) return null;
  if (!nativeLoader) return "not loaded: it is Node-only and comes with the 'gradlab/node' entry (import 'gradlab/node' once)";
  const r = nativeLoader();
  if ('error' in r) return r.error;
  registry.set('native', r.backend);
  return null;
}

export function backendNames(): string[] {
  if (isNode()) tryNative();
  return [...registry.keys()];
}

/**
 * Makes the webgpu backend (opening the GPU: asynchronous) and activates it; the backend it
 * returns. Throws a BackendError naming why where there is no usable GPU (no WebGPU in this
 * browser; in Node, the optional `webgpu` package missing or no adapter).
 */
export async function useWebGPU(): Promise<Kernels> {
  await setBackendAsync('webgpu');
  return backend();
}

/** setBackend for every backend, including those whose creation is asynchronous (webgpu). */
export async function setBackendAsync(name: string): Promise<void> {
  if (name === 'webgpu' && !registry.has('webgpu')) {
    try {
      registry.set('webgpu', await createWebGpuBackend());
    } catch (e) {
      throw new BackendError(`setBackend: the webgpu backend cannot start: ${(e as Error).message}`);
    }
  }
  setBackend(name);
}

export function setBackend(name: string): void {
  let why: string | null = null;
  if (name === 'webgpu' && !registry.has('webgpu')) {
    throw new BackendError("setBackend: the webgpu backend opens the GPU asynchronously: use 'await useWebGPU()' or "
      + "'await setBackendAsync(\"webgpu\")' (in Node with GRADLAB_BACKEND=webgpu, import 'gradlab/dist/src/backend/webgpu/register.js' first)");
  }
  if (name === 'native') why = tryNative();
  const b = registry.get(name);
  if (!b) {
    if (why) throw new BackendError(`setBackend: the native backend cannot be used here: ${why}`);
    throw new BackendError(`setBackend: unknown backend '${name}' (known: ${backendNames().join(', ')})`);
  }
  if (name === 'wasm' && !wasmBackend.available()) {
    throw new BackendError(`setBackend: the wasm backend cannot start: ${wasmBackend.failure()}`);
  }
  active = complete(b);
}

/** Why the default choice fell back (null when it took its first choice or a name was set). */
export function backendFallback(): string | null {
  return fallbackNote;
}

function chooseDefault(): Kernels {
  const env = typeof process !== 'undefined' ? process.env?.GRADLAB_BACKEND : undefined;
  if (env) {
    setBackend(env);
    return active as Kernels;
  }
  const reasons: string[] = [];
  if (isNode()) {
    const why = tryNative();
    if (!why) return complete(registry.get('native') as Backend);
    reasons.push(`native: ${why}`);
  }
  if (wasmBackend.available()) {
    if (reasons.length) say(`gradlab: using the wasm backend (${reasons.join('; ')})`);
    return complete(wasmBackend);
  }
  reasons.push(`wasm: ${wasmBackend.failure()}`);
  say(`gradlab: using the js backend (${reasons.join('; ')})`);
  return complete(jsBackend);
}

function say(line: string): void {
  fallbackNote = line;
  console.warn(line);
}

/** One line naming the active backend and how it runs, e.g. "native (avx512, 2 threads)". */
export function describeBackend(): string {
  const b = backend() as Kernels & { isa?: () => string; threads?: () => number; adapter?: string };
  const parts: string[] = [];
  if (typeof b.adapter === 'string') parts.push(b.adapter);
  if (typeof b.isa === 'function') parts.push(b.isa());
  if (typeof b.threads === 'function') parts.push(`${b.threads()} thread${b.threads() === 1 ? '' : 's'}`);
  return parts.length ? `${b.name} (${parts.join(', ')})` : b.name;
}

export function backend(): Kernels {
  return (active ??= chooseDefault());
}

export * from './backend.js';
