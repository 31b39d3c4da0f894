/**
 * Gradient checking: compares backward() with central finite differences,
 * (f(x + ε) − f(x − ε)) / 2ε, computed in float64 so that ε can be small (1e-6) and the
 * comparison tight. A non-scalar output is reduced with a fixed random projection Σ r·f(x),
 * which checks the full Jacobian-vector product rather than only the sum.
 */
import { shapeStr } from '../backend/shape.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { backward } from './engine.js';
import { noGrad } from './grad-mode.js';
import { cast, mul } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';
import { checkOptions, num } from '../tensor/options.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the random projection of non-scalar outputs. */
  seed?: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytic − numeric| over all checked entries. */
  maxError: number;
  /** First mismatch, described with input index, flat position and both values. */
  message: string;
}

export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  checkOptions('gradcheck', opts, { eps: num({ min: 0, minExclusive: true }), atol: num({ min: 0 }), rtol: num({ min: 0 }), seed: num({ integer: true }) });
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-6;
  const rtol = opts.rtol ?? 1e-4;
  const xs = inputs.map((x) => {
    if (x.dtype === 'int32') return x;
    const c = cast(x, 'float64').detach();
    const own = new Tensor(Float64Array.from(c.data), c.shape);
    return own.requiresGrad_(true);
  });
  const first = fn(...xs);
  const gen = new Generator(opts.seed ?? 1234);
  const proj = new Tensor(Float64Array.from({ length: first.size }, () => gen.uniform(-1, 1)), first.shape);
  const objective = (out: Tensor): Tensor => sum(mul(cast(out, 'float64'), proj));
  backward(objective(first));
  let maxError = 0;
  let message = 'ok';
  let ok = true;
  noGrad(() => {
    xs.forEach((x, xi) => {
      if (x.dtype === 'int32' || !x.requiresGrad) return;
      const d = x.data as Float64Array;
      for (let i = 0; i < d.length; i++) {
        const orig = d[i];
        d[i] = orig + eps;
        const fp = objective(fn(...xs)).item();
        d[i] = orig - eps;
        const fm = objective(fn(...xs)).item();
        d[i] = orig;
        const numeric = (fp - fm) / (2 * eps);
        const analytic = x.grad ? x.grad.data[i] : 0;
        const err = Math.abs(analytic - numeric);
        maxError = Math.max(maxError, err);
        if (ok && err > atol + rtol * Math.abs(numeric)) {
          ok = false;
          message = `input ${xi} ${shapeStr(x.shape)} at flat index ${i}: analytic ${analytic} vs numeric ${numeric} (error ${err})`;
        }
      }
    });
  });
  return { ok, maxError, message };
}
