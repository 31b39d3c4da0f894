/**
 * `node dist/bench/profile-w2.js [--threads 2] [--units 5]`: where W2's epoch goes on the wasm
 * backend in Node: kernels by shape, and the time outside them (JS).
 */
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { registerBackend, setBackend } from '../src/backend/index.js';
import { GRADLAB } from './gradlab.js';
import { profile, timedBackend, type KernelTime } from './profile.js';
import { benchArgs } from './args.js';

const { arg } = benchArgs('bench/profile-w2', ['threads', 'units'], []);
const threads = Number(arg('threads', '2'));
const units = Number(arg('units', '5'));
const times = new Map<string, KernelTime>();
const wasm = createWasmBackend({ threads }, 'wasm-prof');
registerBackend(timedBackend(wasm, 'prof', times));
setBackend('prof');
const run = GRADLAB.W2();
run();
run();
const p = profile(run, units, times);
console.log(`W2 on wasm, ${threads} threads: ${p.totalMs.toFixed(1)} ms per epoch, ${p.kernelMs.toFixed(1)} in kernels, ${(p.totalMs - p.kernelMs).toFixed(1)} outside`);
for (const k of p.kernels) console.log(`${k.ms.toFixed(2).padStart(8)} ms ${String(k.calls).padStart(5)} calls  ${k.kernel}`);
