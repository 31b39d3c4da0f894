export { Optimizer, checkRange } from './optimizer.js';
export type { ParamGroup, ParamState, ParamsInput, OptimizerStateDict, Hyper } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
export { Adamax } from './adamax.js';
export type { AdamaxOptions } from './adamax.js';
export { NAdam } from './nadam.js';
export type { NAdamOptions } from './nadam.js';
export { RAdam } from './radam.js';
export type { RAdamOptions } from './radam.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export { Adadelta } from './adadelta.js';
export type { AdadeltaOptions } from './adadelta.js';
export {
  LRScheduler, StepLR, MultiStepLR, ExponentialLR, InverseTimeLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, LinearLR,
  LinearWarmup, ConstantLR, PolynomialLR, LambdaLR, MultiplicativeLR, CyclicLR, OneCycleLR, SequentialLR, ChainedScheduler,
  ReduceLROnPlateau,
} from './schedulers.js';
export type { SchedulerState, SchedulerOptions, OneCycleOptions, CyclicOptions, PlateauOptions } from './schedulers.js';
export { clipGradNorm, clipGradValue } from './clip.js';
