/**
 * The fused group of the webgpu backend in WGSL: the FusedKernels of backend.ts with every
 * FloatData / Int32Array argument a GPUBuffer (float32 / int32 contents; float64 is not
 * supported on WebGPU) and the GpuRun first. Kernels record dispatches only; the caller flushes.
 * Where the CPU signature reads a length off an array (dropout, the optimizer steps), the
 * element count is an extra trailing argument (or an `n` field of each list entry).
 */
export { softmax, crossEntropy, crossEntropyBackward } from './softmax.js';
export { layerNorm, layerNormBackward } from './norm.js';
export { sgdStep, sgdSteps, adamStep, adamSteps, type GpuSgdTensors, type GpuAdamTensors } from './optim.js';
export { dropout } from './dropout.js';
export { convForward, convBackwardWeight, convBackwardInput } from './conv.js';
export { maxPool, maxPoolBackward, avgPool, avgPoolBackward } from './pool.js';
export { lstmCell, lstmCellBackward, gruCell, gruCellBackward } from './recurrent.js';
