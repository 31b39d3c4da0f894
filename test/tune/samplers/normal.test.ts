/** Normal arithmetic of TPE against scipy 1.17 (scipy.special.erfc/log_ndtr, scipy.stats.truncnorm). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../../../src/tensor/random.js';
import { erfc, logGaussMass, logNdtr, sampleTruncNorm, truncNormLogPdf } from '../../../src/tune/samplers/normal.js';

function close(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

test('erfc and log Φ match scipy in the body and far in the tails', () => {
  const erfcRef: [number, number][] = [[-1.5, 1.9661051464753108], [0.3, 0.6713732405408726], [1.9, 0.007209570764742531], [2.0, 0.004677734981047266], [4.5, 1.9661604415428878e-10], [12, 1.3562611692059047e-64]];
  for (const [x, r] of erfcRef) close(erfc(x), r, 1e-12, `erfc(${x})`);
  const logNdtrRef: [number, number][] = [[-40, -804.6084420137539], [-10, -53.23128515051248], [-3, -6.60772622151035], [-0.5, -1.1759117615936188], [0, -0.6931471805599453], [0.7, -0.2770239422771313], [4, -3.1671743377489206e-5], [9, -1.1285884059538324e-19]];
  for (const [x, r] of logNdtrRef) close(logNdtr(x), r, 1e-12, `logNdtr(${x})`);
});

test('log mass of an interval stays finite and exact where Φ(b) − Φ(a) underflows', () => {
  const ref: [number, number, number][] = [[-30, -29.5, -439.42947495001874], [50, 50.2, -1254.8314054641992], [-1, 2, -0.20016629432446262], [3, 3.01, -10.039087761156864], [-0.5, -0.25, -2.377781427757042]];
  for (const [a, b, r] of ref) close(logGaussMass(a, b), r, 1e-10, `logGaussMass(${a}, ${b})`);
});

test('truncated normal log density matches scipy.stats.truncnorm.logpdf', () => {
  close(truncNormLogPdf(0.3, 0.1, 0.2, 0, 1), 0.5594507082793692, 1e-12, 'body');
  close(truncNormLogPdf(0.99, 0, 0.01, 0, 1), -4896.120621166657, 1e-12, 'far tail');
  close(truncNormLogPdf(-3, -2, 0.5, -5, -1), -2.2027784423062085, 1e-12, 'negative range');
  assert.equal(truncNormLogPdf(1.5, 0.5, 0.2, 0, 1), -Infinity);
});

test('truncated draws stay inside the bounds and have the truncated mean', () => {
  const gen = new Generator(3);
  let sum = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const x = sampleTruncNorm(gen, 0, 1, 0, 1);
    assert.ok(x >= 0 && x <= 1);
    sum += x;
  }
  // E[X] for N(0,1) truncated to [0, 1] = (φ(0) − φ(1)) / (Φ(1) − Φ(0)) = 0.45986...
  close(sum / n, 0.4598622, 0.01, 'mean');
});
