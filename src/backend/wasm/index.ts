/**
 * The `wasm` backend: WebAssembly SIMD kernels (assembly/, compiled at `npm install`) on a pool
 * of threads sharing one memory. Same semantics as the `js` reference, kernel by kernel.
 *
 * In wasm (float32): matmul (packed, register-tiled, threaded), unary (neg exp log sqrt rsqrt abs
 * sign square reciprocal tanh sigmoid relu step floor ceil round), leakyRelu, clamp, binary
 * (add sub mul div maximum minimum and comparisons, with broadcasting), reduce (sum max min over
 * any axes), softmax / log-softmax, fused cross-entropy and layer norm (forward and backward),
 * im2col / col2im, convolution (unfold + GEMM in wasm memory), max / average pooling, dropout,
 * sgdStep, adamStep, sgdSteps and adamSteps (one pool job for all the parameters of a list),
 * permute, sliceCopy, lstmCell, lstmCellBackward, gruCell.
 * Delegated to the js kernels: every float64 or int32 call (the gradient checker runs in
 * float64), tiny arrays, and the kernels not yet worth a wasm version (the data-movement ones
 * sliceAdd, gather, scatterAdd, indexSelect, indexAdd run the tuned host loops of backend/strided.ts): unary sin cos log1p expm1
 * softplus logSigmoid erf, binary pow, where, reduce prod, argReduce, cast, fill, gruCellBackward.
 *
 * The runtime (module, memory, threads) is created on the first kernel call, synchronously.
 */
import type { Kernels } from '../backend.js';
import * as strided from '../strided.js';
import { jsBackend } from '../js/index.js';
import { convBackwardInput, convBackwardWeight, convForward } from './conv.js';
import { binary, clamp, leakyRelu, unary } from './elementwise.js';
import { crossEntropy, crossEntropyBackward, layerNorm, layerNormBackward } from './fused.js';
import { permute, sliceCopy } from './layout.js';
import { matmul } from './matmul.js';
import { adamStep, adamSteps, col2im, dropout, im2col, sgdStep, sgdSteps, softmax } from './nn.js';
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward } from './pooling.js';
import { gruCell, lstmCell, lstmCellBackward } from './recurrent.js';
import { reduce } from './reduce.js';
import { Runtime, type WasmOptions } from './runtime.js';

export { sharedMemorySupported, type WasmOptions } from './runtime.js';

export interface WasmBackend extends Kernels {
  /** Threads the kernels run on (creates the runtime if needed). */
  threads(): number;
  /** Whether the relaxed-SIMD (FMA) build is in use. */
  relaxed(): boolean;
  /** Current size of the wasm linear memory in bytes (it grows to the largest call, then stays). */
  memoryBytes(): number;
  /**
   * Creates the runtime now; false (with the reason in `failure()`) when it cannot start, e.g.
   * dist/wasm/*.wasm was not built. Lets a default-backend choice fall back to js.
   */
  available(): boolean;
  failure(): string | null;
}

/** A wasm backend with its own memory and pool; `wasmBackend` is the default one. */
export function createWasmBackend(opts: WasmOptions = {}, name = 'wasm'): WasmBackend {
  let runtime: Runtime | null = null;
  let failure: string | null = null;
  const rt = (): Runtime => (runtime ??= new Runtime(opts));
  return {
    ...jsBackend,
    // Data movement left to the host runs the tuned host kernels, not the plain reference.
    sliceAdd: strided.sliceAdd, gather: strided.gather, scatterAdd: strided.scatterAdd,
    indexSelect: strided.indexSelect, indexAdd: strided.indexAdd,
    name,
    threads: () => rt().threads,
    relaxed: () => rt().relaxed,
    memoryBytes: () => rt().memory.buffer.byteLength,
    available: () => {
      try {
        rt();
        return true;
      } catch (e) {
        failure = (e as Error).message;
        return false;
      }
    },
    failure: () => failure,
    unary: (op, x, out) => unary(rt(), op, x, out),
    leakyRelu: (x, slope, out) => leakyRelu(rt(), x, slope, out),
    clamp: (x, lo, hi, out) => clamp(rt(), x, lo, hi, out),
    binary: (op, a, aShape, b, bShape, out, outShape) => binary(rt(), op, a, aShape, b, bShape, out, outShape),
    reduce: (op, x, shape, axes, out) => reduce(rt(), op, x, shape, axes, out),
    matmul: (a, b, out, spec) => matmul(rt(), a, b, out, spec),
    permute: (x, shape, perm, out) => permute(rt(), x, shape, perm, out),
    sliceCopy: (x, shape, begin, step, out, outShape) => sliceCopy(rt(), x, shape, begin, step, out, outShape),
    softmax: (x, outer, n, inner, log, out) => softmax(rt(), x, outer, n, inner, log, out),
    crossEntropy: (x, target, weight, rows, classes, ignoreIndex, loss, probs) =>
      crossEntropy(rt(), x, target, weight, rows, classes, ignoreIndex, loss, probs),
    crossEntropyBackward: (probs, target, weight, gLoss, rows, classes, ignoreIndex, dx) =>
      crossEntropyBackward(rt(), probs, target, weight, gLoss, rows, classes, ignoreIndex, dx),
    layerNorm: (x, rows, n, weight, bias, eps, out, mean, rstd) => layerNorm(rt(), x, rows, n, weight, bias, eps, out, mean, rstd),
    layerNormBackward: (g, x, rows, n, weight, mean, rstd, dx, dWeight, dBias) =>
      layerNormBackward(rt(), g, x, rows, n, weight, mean, rstd, dx, dWeight, dBias),
    im2col: (x, n, c, spec, out, batchInner) => im2col(rt(), x, n, c, spec, out, batchInner),
    col2im: (cols, n, c, spec, out, batchInner) => col2im(rt(), cols, n, c, spec, out, batchInner),
    convForward: (x, n, c, spec, w, cout, out) => convForward(rt(), x, n, c, spec, w, cout, out),
    convBackwardWeight: (x, n, c, spec, g, cout, gw) => convBackwardWeight(rt(), x, n, c, spec, g, cout, gw),
    convBackwardInput: (w, g, n, c, spec, cout, gx) => convBackwardInput(rt(), w, g, n, c, spec, cout, gx),
    maxPool: (x, n, c, spec, out, argmax) => maxPool(rt(), x, n, c, spec, out, argmax),
    maxPoolBackward: (g, n, c, spec, argmax, gx) => maxPoolBackward(rt(), g, n, c, spec, argmax, gx),
    avgPool: (x, n, c, spec, scale, out) => avgPool(rt(), x, n, c, spec, scale, out),
    avgPoolBackward: (g, n, c, spec, scale, gx) => avgPoolBackward(rt(), g, n, c, spec, scale, gx),
    dropout: (x, spec, out) => dropout(rt(), x, spec, out),
    sgdStep: (p, g, buf, o) => sgdStep(rt(), p, g, buf, o),
    adamStep: (p, g, m, v, o, vmax) => adamStep(rt(), p, g, m, v, o, vmax),
    sgdSteps: (list, o) => sgdSteps(rt(), list, o),
    adamSteps: (list, o) => adamSteps(rt(), list, o),
    lstmCell: (gates, cPrev, batch, hidden, c, h, act) => lstmCell(rt(), gates, cPrev, batch, hidden, c, h, act),
    lstmCellBackward: (act, cPrev, dh, dc, batch, hidden, dGates, dCprev) => lstmCellBackward(rt(), act, cPrev, dh, dc, batch, hidden, dGates, dCprev),
    gruCell: (xp, hp, hPrev, batch, hidden, h, act) => gruCell(rt(), xp, hp, hPrev, batch, hidden, h, act),
  };
}

/** The default wasm backend: GRADLAB_THREADS threads (else all cores), created lazily. */
export const wasmBackend: WasmBackend = createWasmBackend();
