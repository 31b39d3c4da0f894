export { Tensor, allocData, dtypeOf, isFloat } from './tensor.js';
export type { GradNode, NestedArray, SliceGrad } from './tensor.js';
export * from './creation.js';
export { Generator, defaultGenerator, manualSeed } from './random.js';
export { formatTensor } from './print.js';
export { emptyCache, poolStats as bufferPoolStats, setBufferPool } from './buffer-pool.js';
export type { PoolStats } from './buffer-pool.js';
