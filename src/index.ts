/** gradlab: tensors with reverse-mode autograd, layers, optimizers, data, training and tracking. */
export * from './tensor/index.js';
export * from './autograd/index.js';
export { backend, setBackend, backendNames, registerBackend } from './backend/index.js';
export type { Backend, DType, Data, DropoutSpec, Shape } from './backend/backend.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as io from './io/index.js';
export * as track from './track/index.js';
export * as metrics from './metrics/index.js';
export * as analysis from './analysis/index.js';
export * as tune from './tune/index.js';
