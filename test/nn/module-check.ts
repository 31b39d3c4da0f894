/**
 * Test helper for layers: a gradient check over a module's inputs *and* parameters (central
 * differences in float64, the module cast with toDouble first), using a fixed random projection
 * of the output as the objective, like the spine's checkGrad.
 */
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { Module } from '../../src/nn/module.js';
import { toDouble } from '../../src/nn/module-utils.js';

export function checkModuleGrad<M extends Module>(module: M, inputs: Tensor[], fwd: (m: M, ...xs: Tensor[]) => Tensor = (m, ...xs) => m.forward(...xs), o: { atol?: number; rtol?: number; eps?: number } = {}): void {
  const m = toDouble(module);
  const eps = o.eps ?? 1e-6;
  const atol = o.atol ?? 1e-6;
  const rtol = o.rtol ?? 1e-4;
  const xs = inputs.map((x) => (x.dtype === 'int32' ? x : new Tensor(Float64Array.from(x.data), x.shape).requiresGrad_(true)));
  const params = m.namedParameters().filter(([, p]) => p.requiresGrad);
  m.zeroGrad();
  const out = fwd(m, ...xs);
  const g = new Generator(99);
  const proj = new Tensor(Float64Array.from({ length: out.size }, () => g.uniform(-1, 1)), out.shape);
  const objective = (t: Tensor): number => A.sum(A.mul(t, proj)).item();
  A.backward(A.sum(A.mul(out, proj)));
  const targets: [string, Tensor][] = [...xs.map((x, i) => [`input ${i}`, x] as [string, Tensor]).filter(([, x]) => x.dtype !== 'int32'), ...params];
  A.noGrad(() => {
    for (const [name, t] of targets) {
      const d = t.data;
      for (let i = 0; i < d.length; i++) {
        const orig = d[i];
        d[i] = orig + eps;
        const fp = objective(fwd(m, ...xs));
        d[i] = orig - eps;
        const fm = objective(fwd(m, ...xs));
        d[i] = orig;
        const numeric = (fp - fm) / (2 * eps);
        const analytic = t.grad ? t.grad.data[i] : 0;
        const err = Math.abs(analytic - numeric);
        if (err > atol + rtol * Math.abs(numeric)) assert.fail(`gradient of ${name} [${t.shape}] at ${i}: analytic ${analytic} vs numeric ${numeric}`);
      }
    }
  });
}
