/**
 * Loading the native backend (C++ kernels in native/, built by node-gyp at `npm install` into
 * build/Release/gradlab_native.node).
 *
 * This file imports nothing from Node: in Node it reaches `require` through
 * process.getBuiltinModule('node:module') at run time, so a browser bundle of gradlab never pulls
 * in the addon nor a Node built-in (in a browser loadNative() says "not Node" and the default
 * backend is wasm).
 */
import type { Backend } from '../backend.js';
import { createNativeBackend, type NativeAddon, type NativeBackend } from './backend.js';

export type { NativeAddon, NativeBackend, NativeOptions } from './backend.js';
export { NATIVE_ISAS, NativeIsaError, createNativeBackend } from './backend.js';

interface NodeProcess {
  versions: { node?: string };
  env: Record<string, string | undefined>;
  getBuiltinModule?: (name: string) => unknown;
}

let cached: { backend: NativeBackend } | { error: string } | null = null;
let cachedAddon: { addon: NativeAddon } | { error: string } | null = null;

/** The addon's path: build/Release/gradlab_native.node at the package root (GRADLAB_NATIVE_PATH overrides). */
function addonUrl(): URL {
  // dist/src/backend/native/index.js → package root
  return new URL('../../../../build/Release/gradlab_native.node', import.meta.url);
}

/** The native backend, or the one-line reason it cannot be used here. */
export function loadNative(): { backend: NativeBackend } | { error: string } {
  if (!cached) {
    const a = loadNativeAddon();
    cached = 'error' in a ? a : { backend: createNativeBackend(a.addon) };
  }
  return cached;
}

/** The raw addon (for tests that build a backend per ISA path with createNativeBackend). */
export function loadNativeAddon(): { addon: NativeAddon } | { error: string } {
  return (cachedAddon ??= load());
}

function load(): { addon: NativeAddon } | { error: string } {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (!proc?.versions?.node) return { error: 'not running in Node' };
  if (proc.env.GRADLAB_NATIVE === '0') return { error: 'disabled by GRADLAB_NATIVE=0' };
  const mod = proc.getBuiltinModule?.('node:module') as { createRequire(u: string | URL): (id: string) => unknown } | undefined;
  const fs = proc.getBuiltinModule?.('node:fs') as { existsSync(p: string | URL): boolean; readFileSync(p: string | URL, enc: 'utf8'): string } | undefined;
  if (!mod || !fs) return { error: `Node ${proc.versions.node} lacks process.getBuiltinModule (needs ≥ 20.16)` };
  const override = proc.env.GRADLAB_NATIVE_PATH;
  const url = override ? new URL(override, `file://${proc.env.PWD ?? '/'}/`) : addonUrl();
  if (!fs.existsSync(url)) {
    const status = new URL('../../../../build/native-status.txt', import.meta.url);
    const why = fs.existsSync(status) ? fs.readFileSync(status, 'utf8').trim().split('\n')[0] : 'the addon was not built';
    return { error: `${url.pathname} is missing (${why})` };
  }
  try {
    return { addon: mod.createRequire(import.meta.url)(url.pathname) as NativeAddon };
  } catch (e) {
    return { error: `cannot load ${url.pathname}: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** Registers nothing by itself: backend/index.ts asks loadNative() when native is wanted. */
export function isNativeBackend(b: Backend): b is NativeBackend {
  return b.name === 'native';
}
