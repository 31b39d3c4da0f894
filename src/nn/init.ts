/**
 * Parameter initialisation with PyTorch's formulas and gains. Every function fills a tensor in
 * place from a seeded Generator (the default one when none is given) and returns it.
 *
 * fanIn / fanOut of a weight [out, in, ...kernel] are in·∏kernel and out·∏kernel.
 * Xavier/Glorot: std = gain·√(2 / (fanIn + fanOut)); Kaiming/He: std = gain / √fan with
 * gain = √2 for ReLU and √(2 / (1 + a²)) for leaky ReLU of slope a.
 */
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../backend/shape.js';
import { checkOptions, num, oneOf } from '../tensor/options.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': { const a = param ?? 0.01; return Math.sqrt(2 / (1 + a * a)); }
    case 'selu': return 3 / 4;
  }
}

export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new RangeError(`init: fan in/out need a tensor with at least 2 dims, got ${shapeStr(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

export function uniform_(t: Tensor, a = 0, b = 1, gen: Generator = defaultGenerator()): Tensor {
  for (let i = 0; i < t.size; i++) t.data[i] = gen.uniform(a, b);
  return t;
}

export function normal_(t: Tensor, mean = 0, std = 1, gen: Generator = defaultGenerator()): Tensor {
  for (let i = 0; i < t.size; i++) t.data[i] = gen.normal(mean, std);
  return t;
}

export function constant_(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  return t;
}

export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

export function xavierUniform(t: Tensor, gain = 1, gen?: Generator): Tensor {
  const { fanIn, fanOut } = fans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, gen);
}

export function xavierNormal(t: Tensor, gain = 1, gen?: Generator): Tensor {
  const { fanIn, fanOut } = fans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), gen);
}

export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (0 for ReLU). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  checkOptions('kaiming', o, { a: num(), mode: oneOf(['fanIn', 'fanOut']), nonlinearity: oneOf(['linear', 'conv1d', 'conv2d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu']), generator: 'any' });
  const f = fans(t);
  const fan = (o.mode ?? 'fanIn') === 'fanIn' ? f.fanIn : f.fanOut;
  return calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan);
}

export function kaimingUniform(t: Tensor, o: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, o);
  return uniform_(t, -bound, bound, o.generator);
}

export function kaimingNormal(t: Tensor, o: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, o), o.generator);
}
export { orthogonal_, truncNormal_ } from './init-extra.js';
