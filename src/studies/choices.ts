/**
 * The named choices the S3/S4 studies compare or let the user pick with --set: optimizers (with
 * PyTorch's default learning rates, so that a comparison gives each its usual step size) and
 * activation layers. Only parameters that require grad are handed to an optimizer (frozen
 * embeddings stay out).
 */
import { LogSigmoid, PReLU, CELU, SELU, ReLU, Sigmoid, Tanh } from '../nn/index.js';
import type { Module, Parameter } from '../nn/module.js';
import { Adadelta, Adagrad, Adam, Adamax, AdamW, NAdam, RAdam, RMSprop, SGD } from '../optim/index.js';
import type { Optimizer } from '../optim/optimizer.js';

export const OPTIMIZERS = ['sgd', 'adam', 'adamax', 'rmsprop', 'radam', 'nadam', 'adagrad', 'adamw', 'adadelta'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** PyTorch's default learning rate of each (SGD has none there: 0.01 here, as S3's protocol). */
export const DEFAULT_LR: Readonly<Record<OptimizerName, number>> = {
  sgd: 0.01, adam: 1e-3, adamax: 2e-3, rmsprop: 1e-2, radam: 1e-3, nadam: 2e-3, adagrad: 1e-2, adamw: 1e-3, adadelta: 1.0,
};

/** Display names as in torch.optim. */
export const OPTIMIZER_LABEL: Readonly<Record<OptimizerName, string>> = {
  sgd: 'SGD', adam: 'Adam', adamax: 'Adamax', rmsprop: 'RMSprop', radam: 'RAdam', nadam: 'NAdam', adagrad: 'Adagrad', adamw: 'AdamW', adadelta: 'Adadelta',
};

export function trainable(model: Module): Parameter[] {
  return model.parameters().filter((p) => p.requiresGrad);
}

/** An optimizer over the model's trainable parameters; lr defaults to DEFAULT_LR. */
export function makeOptimizer(name: OptimizerName, model: Module, lr = DEFAULT_LR[name], opts: { momentum?: number } = {}): Optimizer {
  const ps = trainable(model);
  switch (name) {
    case 'sgd': return new SGD(ps, { lr, momentum: opts.momentum ?? 0 });
    case 'adam': return new Adam(ps, { lr });
    case 'adamax': return new Adamax(ps, { lr });
    case 'rmsprop': return new RMSprop(ps, { lr });
    case 'radam': return new RAdam(ps, { lr });
    case 'nadam': return new NAdam(ps, { lr });
    case 'adagrad': return new Adagrad(ps, { lr });
    case 'adamw': return new AdamW(ps, { lr });
    case 'adadelta': return new Adadelta(ps, { lr });
  }
}

export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'logsigmoid', 'prelu', 'celu', 'selu'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const ACTIVATION_LABEL: Readonly<Record<ActivationName, string>> = {
  relu: 'ReLU', sigmoid: 'Sigmoid', tanh: 'Tanh', logsigmoid: 'LogSigmoid', prelu: 'PReLU', celu: 'CELU', selu: 'SELU',
};

/** A fresh activation layer (PReLU: one learned slope per layer, initial 0.25, as torch). */
export function makeActivation(name: ActivationName): Module {
  switch (name) {
    case 'relu': return new ReLU();
    case 'sigmoid': return new Sigmoid();
    case 'tanh': return new Tanh();
    case 'logsigmoid': return new LogSigmoid();
    case 'prelu': return new PReLU();
    case 'celu': return new CELU();
    case 'selu': return new SELU();
  }
}
