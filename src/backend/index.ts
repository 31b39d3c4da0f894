/**
 * The active backend. Tensor operations call `backend()` for every kernel; a study or a user
 * switches with `setBackend(name)` or the GRADLAB_BACKEND environment variable.
 *
 * The default is `wasm` (SIMD kernels on all cores) when its module loads here, else `js`; the
 * choice is made on the first kernel call, so importing gradlab starts no threads.
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';
import { wasmBackend } from './wasm/index.js';

const registry = new Map<string, Backend>([['js', jsBackend], ['wasm', wasmBackend]]);
let active: Backend = jsBackend;
let envApplied = false;

export function registerBackend(b: Backend): void {
  registry.set(b.name, b);
}

export function backendNames(): string[] {
  return [...registry.keys()];
}

export function setBackend(name: string): void {
  const b = registry.get(name);
  if (!b) throw new Error(`setBackend: unknown backend '${name}' (known: ${backendNames().join(', ')})`);
  active = b;
  envApplied = true;
}

export function backend(): Backend {
  if (!envApplied) {
    envApplied = true;
    const env = typeof process !== 'undefined' ? process.env.GRADLAB_BACKEND : undefined;
    if (env) setBackend(env);
    else if (wasmBackend.available()) active = wasmBackend;
  }
  return active;
}

export * from './backend.js';
