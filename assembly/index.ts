/**
 * Entry point of the WebAssembly kernels (compiled by asc into dist/wasm/ during `npm install`).
 * Every exported kernel that threads may share has the signature (from, to, tid, params): it
 * processes the work items [from, to) described by the parameter block at `params`, using the
 * scratch area of thread `tid`. Memory is managed by the JS side (src/backend/wasm/runtime.ts);
 * nothing here allocates.
 */
export { gemmPackB, gemmTiles, gemmBatch } from './gemm';
export { unaryRange, binaryFlat, binaryRows, leakyReluRange, clampRange } from './elementwise';
export { reduceRows, reduceCols } from './reduce';
export { softmaxRows, softmaxCols, windowRange, sgdRange, adamRange, dropoutRange } from './nn';
export { gatherRows } from './layout';
export { maxPoolRange, maxPoolBackRange, avgPoolRange, avgPoolBackRange } from './pooling';
export { crossEntropyRows, crossEntropyBackRows, layerNormRows, layerNormBackRows, layerNormParamSum } from './fused';
export { lstmCellRows, lstmCellBackwardRows, gruCellRows } from './recurrent';

/** First free byte after the module's static data; the JS arena starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
