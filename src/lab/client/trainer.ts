/**
 * The lab's training worker (a module Web Worker started by the page): starts the wasm backend
 * (or js, or webgpu on the browser's GPU) with the asked thread count (its own Web Workers on one shared memory when the page is
 * cross-origin isolated), fetches the digits from the page's assets, trains with the very code a
 * Node process runs (lab/mnist-mlp.ts), and posts every batch's loss, each epoch's charts and the
 * finished model back to the page. Training here keeps the page responsive.
 */
import { initWasm } from '../../init-wasm.js';
import { describeBackend, setBackend, useWebGPU } from '../../backend/index.js';
import { decodeDigits } from '../mnist-asset.js';
import { trainMnistMlp } from '../mnist-mlp.js';
import { trainS5 } from '../s5.js';
import { trainAttention } from '../attention.js';

export interface TrainRequest {
  demo: 'mnist-mlp' | 's5' | 'attention';
  /** S5 only: the dataset and the hidden units. */
  kind?: 'xor' | 'checkerboard' | 'blobs';
  hidden?: number;
  seed: number;
  epochs: number;
  threads: number;
  backend: 'wasm' | 'js' | 'webgpu';
  /** URL of the digits asset (relative URLs resolve against the page). */
  digits: string;
}

const scope = globalThis as unknown as { onmessage: ((e: { data: TrainRequest }) => void) | null; postMessage(m: unknown, transfer?: Transferable[]): void };
const post = (m: unknown, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);

scope.onmessage = (e) => {
  void run(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};

async function run(req: TrainRequest): Promise<void> {
  let note: string;
  if (req.backend === 'webgpu') {
    // From this Worker of a cross-origin isolated page the device gets a Worker of its own and reads stay synchronous.
    await useWebGPU();
    note = `${describeBackend()}: the browser's GPU through WebGPU`;
    post({ type: 'info', info: { threads: 1, note, backend: 'webgpu' } });
  } else if (req.backend === 'js') {
    setBackend('js');
    note = 'js backend (the plain reference kernels), 1 thread';
    post({ type: 'info', info: { threads: 1, note, backend: 'js' } });
  } else {
    const info = await initWasm({ threads: req.threads });
    note = info.note;
    post({ type: 'info', info: { ...info, backend: 'wasm' } });
  }
  if (req.demo === 'attention') {
    const t0 = performance.now();
    const r = await trainAttention({ seed: req.seed, epochs: req.epochs }, (ev) => post(ev));
    post({ type: 'attention-done', seconds: (performance.now() - t0) / 1000, losses: r.losses, testAccuracy: r.testAccuracy });
    return;
  }
  if (req.demo === 's5') {
    const t0 = performance.now();
    const r = await trainS5({ kind: req.kind ?? 'xor', hidden: req.hidden ?? 4, seed: req.seed, epochs: req.epochs }, (ev) => post(ev));
    post({ type: 's5-done', seconds: (performance.now() - t0) / 1000, losses: r.losses, testAccuracy: r.testAccuracy });
    return;
  }
  const res = await fetch(req.digits);
  if (!res.ok) throw new Error(`fetching the digits ${req.digits} answered ${res.status} ${res.statusText}`);
  const digits = decodeDigits(new Uint8Array(await res.arrayBuffer()), req.digits);
  post({ type: 'data', n: digits.n });
  const t0 = performance.now();
  const r = await trainMnistMlp(digits, { seed: req.seed, epochs: req.epochs }, (ev) => post(ev));
  post({ type: 'done', seconds: (performance.now() - t0) / 1000, note, result: r }, [r.model.buffer]);
}
