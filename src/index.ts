/**
 * gradlab (the core entry): tensors with reverse-mode autograd, layers, optimizers, in-memory data
 * and loaders, metrics, analysis, the fit loop and safetensors bytes. It imports no Node built-in
 * and no npm package, so it runs (and bundles) for a browser as it is. What needs Node (file
 * readers, the run store, TensorBoard files, reports, servers, the CLI) is in 'gradlab/node'.
 */
import './inspect.js';
export * from './tensor/index.js';
export * from './autograd/index.js';
export { backend, setBackend, setBackendAsync, useWebGPU, backendNames, registerBackend } from './backend/index.js';
export { WebGpuError } from './backend/webgpu/client.js';
export type { Backend, DType, Data, DropoutSpec, Shape } from './backend/backend.js';
export { initWasm, type InitWasmOptions, type WasmInfo } from './init-wasm.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/memory.js';
export * as train from './train/core.js';
export * as io from './io/bytes.js';
export * as metrics from './metrics/index.js';
export * as analysis from './analysis/index.js';
