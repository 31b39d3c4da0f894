/**
 * bench/browser.ts's gradlab side in the browser: a module Web Worker (as the lab trains) that
 * starts the wasm backend with the asked threads and times one workload of bench/gradlab.ts.
 * With `profile`, it times one more set of units on a backend whose every kernel is timed
 * (bench/profile.ts) and sends that profile too.
 * Loaded unbundled from dist/ (the core imports nothing but relative modules).
 */
import { initWasm } from '../src/init-wasm.js';
import { registerBackend, setBackend } from '../src/backend/index.js';
import { wasmBackend } from '../src/backend/wasm/index.js';
import { GRADLAB } from './gradlab.js';
import { profile, timedBackend, type KernelTime } from './profile.js';

interface Ask { workload: string; threads: number; reps: number; profile?: boolean }
const scope = globalThis as unknown as { onmessage: ((e: { data: Ask }) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e) => {
  void (async () => {
    const { workload, threads, reps } = e.data;
    const info = await initWasm({ threads });
    const run = GRADLAB[workload]();
    run(); // warm-up
    const ms: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      run();
      ms.push(performance.now() - t0);
    }
    let prof = null;
    if (e.data.profile) {
      const times = new Map<string, KernelTime>();
      registerBackend(timedBackend(wasmBackend, 'wasm-profile', times));
      setBackend('wasm-profile');
      prof = profile(run, reps, times);
      setBackend('wasm');
    }
    scope.postMessage({ ms, note: info.note, profile: prof });
  })().catch((err: unknown) => scope.postMessage({ error: String(err) }));
};
