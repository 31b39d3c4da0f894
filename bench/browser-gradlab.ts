/**
 * bench/browser.ts's gradlab side in the browser: a module Web Worker (as the lab trains) that
 * starts the wasm backend with the asked threads and times one workload of bench/gradlab.ts.
 * Loaded unbundled from dist/ (the core imports nothing but relative modules).
 */
import { initWasm } from '../src/init-wasm.js';
import { GRADLAB } from './gradlab.js';

const scope = globalThis as unknown as { onmessage: ((e: { data: { workload: string; threads: number; reps: number } }) => void) | null; postMessage(m: unknown): void };
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
    scope.postMessage({ ms, note: info.note });
  })().catch((err: unknown) => scope.postMessage({ error: String(err) }));
};
