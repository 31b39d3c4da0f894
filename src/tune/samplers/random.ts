/**
 * RandomSampler: every parameter drawn independently and uniformly over its (log-)transformed
 * range, as Optuna's RandomSampler. Stepped and integer ranges are widened by half a step on
 * each side before drawing and rounded back to the grid, so the end points are as likely as the
 * inner values.
 *
 * The transform helpers here are shared with TPE (it uses the same transformed space).
 */
import type { Generator } from '../../tensor/random.js';
import type { Distribution, NumericDistribution, ParamValue } from '../distributions.js';
import type { FrozenTrial } from '../types.js';
import { samplerGenerator, type Sampler, type SeedOptions, type StudyView } from './base.js';

/** The numeric step of a distribution, or 0 for a continuous float range. */
export function stepOf(d: NumericDistribution): number {
  return d.kind === 'int' ? d.step : d.step ?? 0;
}

/** Bounds in the space samplers draw in: widened by step/2 when stepped, then log'd when log. */
export function transformedBounds(d: NumericDistribution): [number, number] {
  const half = stepOf(d) / 2;
  const lo = d.low - half;
  const hi = d.high + half;
  return d.log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
}

/** From the transformed space back to a value of the distribution (rounded to the grid, clipped). */
export function untransform(d: NumericDistribution, x: number): number {
  let v = d.log ? Math.exp(x) : x;
  const step = stepOf(d);
  if (step > 0) {
    v = d.low + Math.round((v - d.low) / step) * step;
    if (d.kind === 'float') v = Number(v.toPrecision(15)); // NOTE: 0.1 + 2·0.1 prints as 0.3, not 0.30000000000000004
    else v = Math.round(v);
  }
  return Math.min(d.high, Math.max(d.low, v));
}

/** One uniform draw from a distribution. */
export function sampleUniform(gen: Generator, d: Distribution): ParamValue {
  if (d.kind === 'categorical') return d.choices[gen.int(d.choices.length)]!;
  const [lo, hi] = transformedBounds(d);
  return untransform(d, lo + (hi - lo) * gen.random());
}

export class RandomSampler implements Sampler {
  readonly generator: Generator;

  constructor(opts: SeedOptions = {}) {
    this.generator = samplerGenerator(opts);
  }

  sampleIndependent(_study: StudyView, _trial: FrozenTrial, _name: string, d: Distribution): ParamValue {
    return sampleUniform(this.generator, d);
  }
}
