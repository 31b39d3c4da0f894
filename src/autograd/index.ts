/** Autograd: the graph engine, grad modes, the differentiable ops and the gradient checker. */
import './methods.js';
export { backward, retainGrad, topoOrder } from './engine.js';
export type { BackwardOptions } from './engine.js';
export { isGradEnabled, noGrad, enableGrad, setGradEnabled } from './grad-mode.js';
export { record, needsGrad } from './record.js';
export type { BackwardRule } from './record.js';
export * from './ops/elementwise.js';
export * from './ops/reduce.js';
export * from './ops/shape.js';
export * from './ops/linalg.js';
export * from './ops/nn.js';
export * from './ops/fused.js';
export * from './ops/recurrent.js';
export * from './ops/pool-indices.js';
export type { TensorLike } from './ops/util.js';
export { gradcheck } from './gradcheck.js';
export type { GradcheckOptions, GradcheckResult } from './gradcheck.js';
export { toDot } from './dot.js';
