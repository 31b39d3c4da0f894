export { Optimizer, checkRange } from './optimizer.js';
export type { ParamGroup, ParamState, ParamsInput, OptimizerStateDict, Hyper } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
