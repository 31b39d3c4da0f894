/**
 * The backends the lab page offers, in one list: the page builds its backend menu from it (with
 * the reason when one cannot run in this browser), and the training worker starts the chosen
 * one with it and shows the line `start` returns ("wasm: 2 threads on one shared memory,
 * relaxed-SIMD build"). Nothing here is imported before it is used: the page reads the names and
 * labels, and only the worker loads a backend's code (dynamic imports, which `gradlab lab`'s
 * module list follows).
 *
 * Adding a backend is one entry (the GPU's below is the example): `unavailable` says at once why
 * this page cannot run it, `probe` (optional) asks the browser asynchronously and may relabel or
 * disable the entry, `start` runs in the training worker.
 *
 * The import must be a literal relative path: `gradlab lab` serves only the modules reachable from
 * its entries by literal imports (lab/server.ts, moduleClosure). A start that throws shows its
 * message on the page and trains nothing (no silent fallback).
 */

/** What the page shows and records about the backend that trains. */
export interface LabBackendInfo {
  /** The backend's name in the list (and the run's `backend` config). */
  backend: string;
  threads: number;
  /** One line saying what runs and, when it runs on less than asked, why. */
  note: string;
  /** crossOriginIsolated, when the backend depends on it. */
  isolated?: boolean | null;
  /** wasm: whether the relaxed-SIMD (FMA) build runs, and whether the memory is shared. */
  relaxed?: boolean;
  shared?: boolean;
}

export interface LabBackend {
  readonly name: string;
  /** The menu's text. */
  readonly label: string;
  /** Why this browser cannot run it (the option is disabled with this reason), or null. */
  unavailable?(): string | null;
  /**
   * Asks the browser (asynchronously) whether it can run this backend: a new menu label, or the
   * reason it cannot (the option is then disabled with it).
   */
  probe?(): Promise<{ label: string } | { unavailable: string }>;
  /** Starts the backend in the training worker and makes it the active one. */
  start(opts: { threads: number }): Promise<LabBackendInfo>;
}

export const LAB_BACKENDS: readonly LabBackend[] = [
  {
    name: 'wasm',
    label: 'wasm (SIMD)',
    start: async ({ threads }) => {
      const { initWasm } = await import('../../init-wasm.js');
      const info = await initWasm({ threads });
      return { backend: 'wasm', ...info };
    },
  },
  {
    name: 'js',
    label: 'js (reference)',
    start: async () => {
      const { setBackend } = await import('../../backend/index.js');
      setBackend('js');
      return { backend: 'js', threads: 1, note: 'js backend (the plain reference kernels), 1 thread' };
    },
  },
  {
    name: 'webgpu',
    label: 'webgpu (GPU)',
    // The training worker waits for the GPU's own Worker with Atomics.wait on shared memory, so
    // the training code reads values synchronously as in Node: that needs cross-origin isolation.
    unavailable: () => (!gpuOf(globalThis.navigator) ? 'this browser has no WebGPU (navigator.gpu is missing)'
      : !globalThis.crossOriginIsolated ? 'needs a cross-origin isolated page (COOP/COEP): the training worker waits for the GPU worker on shared memory' : null),
    probe: async () => {
      const adapter = await gpuOf(globalThis.navigator)?.requestAdapter().catch(() => null);
      if (!adapter) return { unavailable: 'this browser has no GPU adapter' };
      const name = [adapter.info?.vendor, adapter.info?.architecture].filter(Boolean).join(' ');
      return { label: `webgpu (GPU: ${name || 'adapter'})` };
    },
    start: async () => {
      const { describeBackend, useWebGPU } = await import('../../backend/index.js');
      await useWebGPU(); // throws with the reason when no adapter is found: shown on the page, nothing trains
      return { backend: 'webgpu', threads: 1, note: `${describeBackend()}: the browser's GPU through WebGPU` };
    },
  },
];

interface AdapterLike {
  info?: { vendor?: string; architecture?: string };
}

/** navigator.gpu where the browser has WebGPU (typed loosely: the page needs only requestAdapter). */
function gpuOf(nav: unknown): { requestAdapter(): Promise<AdapterLike | null> } | null {
  const gpu = (nav as { gpu?: { requestAdapter(): Promise<AdapterLike | null> } } | undefined)?.gpu;
  return gpu ?? null;
}

/** The default: the first entry. */
export const DEFAULT_LAB_BACKEND = LAB_BACKENDS[0].name;

/** The entry named `name`; an unknown name is an error that lists the known ones. */
export function labBackend(name: string): LabBackend {
  const b = LAB_BACKENDS.find((x) => x.name === name);
  if (!b) throw new Error(`lab: unknown backend '${name}' (the lab offers ${LAB_BACKENDS.map((x) => `'${x.name}'`).join(', ')})`);
  return b;
}
