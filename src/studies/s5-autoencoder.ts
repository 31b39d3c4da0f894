/**
 * s5-autoencoder (S5): an auto-encoder on the 8×8 digits (or `--set data=usps|mnist`: 16×16, 28×28;
 * the encoder and decoder widths follow) — encoder 64 → 100 → code (tanh, tanh),
 * decoder code → 100 → 64 (tanh, sigmoid), binary cross-entropy on pixels in [0, 1], Adam 1e-3,
 * batch 100 — for codes of 10, 3 and 2 dimensions, one run each. Then, as the report did:
 *  - reconstructions as images: rows of test originals, each followed by its reconstruction;
 *  - t-SNE of the raw pixels and of the codes, and the 2-d (and 3-d) code itself, as labelled
 *    point sets;
 *  - k-means with 10 clusters on the codes and on the raw pixels, with per-cluster purity and the
 *    adjusted Rand index (report: codes 0.62 purity / 0.44 ARI, raw 0.69 / 0.49).
 * The raw-pixel analysis is its own run ('raw-pixels') so the dashboard can set it beside the codes.
 *
 * Params: codes (10,3,2), tsne (points embedded by t-SNE, 1000; 0 skips t-SNE), lr (1e-3).
 */
import { Generator, manualSeed } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { indexSelect } from '../autograd/ops/shape.js';
import { Linear, Module, Sequential, Sigmoid, Tanh } from '../nn/index.js';
import { binaryCrossEntropy } from '../nn/losses-extra.js';
import { Adam } from '../optim/adam.js';
import { DataLoader, TensorDataset, Subset } from '../data/index.js';
import { fit } from '../train/fit.js';
import { kmeans } from '../analysis/kmeans.js';
import { tsneAsync } from '../analysis/tsne.js';
import { throwIfStopRequested, YieldPacer } from '../train/interrupt.js';
import { adjustedRandScore, contingencyMatrix, purity } from '../metrics/clustering.js';
import { imageGrid } from '../track/images.js';
import type { Run } from '../track/run.js';
import { S5_DATA_PARAMS, s5Splits, type S5Source } from './s5-usps.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult, historyRows, tracked } from './study.js';

export class AutoEncoder extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;

  constructor(readonly inFeatures: number, readonly hidden: number, readonly code: number, gen: Generator) {
    super();
    this.encoder = new Sequential(new Linear(inFeatures, hidden, { generator: gen }), new Tanh(), new Linear(hidden, code, { generator: gen }), new Tanh());
    this.decoder = new Sequential(new Linear(code, hidden, { generator: gen }), new Tanh(), new Linear(hidden, inFeatures, { generator: gen }), new Sigmoid());
  }

  forward(x: Tensor): Tensor {
    return this.decoder.forward(this.encoder.forward(x));
  }

  /** Codes of x [n, in] → [n, code], in eval mode without a graph. */
  encode(x: Tensor): Tensor {
    this.eval();
    try {
      return noGrad(() => this.encoder.forward(x));
    } finally {
      this.train();
    }
  }

  reconstruct(x: Tensor): Tensor {
    this.eval();
    try {
      return noGrad(() => this.forward(x));
    } finally {
      this.train();
    }
  }
}

export interface ClusterReport {
  purity: number;
  ari: number;
  /** Per cluster: size, majority digit and its share. */
  perCluster: { cluster: number; size: number; majority: number; purity: number }[];
}

/** k-means with 10 clusters on the rows of x, scored against the digit labels. */
export function clusterDigits(x: { data: ArrayLike<number>; rows: number; cols: number }, labels: Int32Array, seed: number): ClusterReport & { assignment: Int32Array } {
  const km = kmeans(x, { k: 10, seed });
  const pu = purity(labels, km.labels);
  return { purity: pu.overall, ari: adjustedRandScore(labels, km.labels), perCluster: pu.perCluster, assignment: km.labels };
}

function logClusters(run: Run | undefined, what: string, c: ClusterReport & { assignment: Int32Array }, labels: Int32Array, step: number): void {
  if (!run) return;
  const cm = contingencyMatrix(labels, c.assignment);
  run.batch(() => {
    run.logScalars({ 'kmeans/purity': c.purity, 'kmeans/ari': c.ari }, step);
    run.logMatrix('kmeans/contingency', {
      rows: cm.classes.length, cols: cm.clusters.length, values: cm.table.flat(),
      rowLabels: cm.classes.map(String), colLabels: cm.clusters.map((k) => `c${k}`), rowTitle: 'digit', colTitle: 'cluster',
      caption: `k-means (10 clusters) on ${what}: purity ${c.purity.toFixed(3)}, ARI ${c.ari.toFixed(3)}`,
    }, step);
    // Per cluster: its purity, with the majority digit and the size in the column label.
    run.logMatrix('kmeans/per_cluster_purity', {
      rows: 1, cols: c.perCluster.length, values: c.perCluster.map((k) => k.purity),
      rowLabels: ['purity'], colLabels: c.perCluster.map((k) => `c${k.cluster}: ${k.majority} (${k.size})`), colTitle: 'cluster: majority digit (size)',
      caption: `k-means on ${what}: each cluster's purity (share of its majority digit)`,
    }, step);
    run.logText('kmeans/per_cluster', ['cluster  size  majority digit  purity', ...c.perCluster.map((k) => `${String(k.cluster).padStart(7)}  ${String(k.size).padStart(4)}  ${String(k.majority).padStart(14)}  ${k.purity.toFixed(3)}`)].join('\n'), step);
  });
}

function perClusterLine(c: ClusterReport): string {
  return c.perCluster.map((k) => `${k.majority}:${k.purity.toFixed(2)}(${k.size})`).join(' ');
}

/** 2-d t-SNE of the chosen rows of x; gives the event loop turns and stops at a Ctrl-C (the same numbers as tsne). */
async function embed(x: Float32Array, cols: number, rows: Int32Array, seed: number): Promise<Float64Array> {
  const sub = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => { for (let j = 0; j < cols; j++) sub[i * cols + j] = x[r * cols + j]; });
  const pacer = new YieldPacer(20);
  const onIteration = async (i: number): Promise<void> => {
    await pacer.maybeYield();
    throwIfStopRequested(`s5-autoencoder t-SNE (iteration ${i})`);
  };
  return (await tsneAsync({ data: sub, rows: rows.length, cols }, { seed, perplexity: Math.min(30, (rows.length - 1) / 3), onIteration })).embedding;
}

/** Ten test digits per row (one of each class where possible), originals above reconstructions. */
function reconstructionGrid(model: AutoEncoder, x: Tensor, labels: Int32Array, test: Subset, pairs: number, side = 8): ReturnType<typeof imageGrid> {
  const dim = side * side;
  const row = 10 * dim;
  const picked: number[] = [];
  for (let p = 0; p < pairs; p++) {
    for (let digit = 0; digit < 10; digit++) {
      const i = Array.from(test.indices).filter((k) => labels[k] === digit)[p];
      picked.push(i ?? test.indices[(p * 10 + digit) % test.length]);
    }
  }
  const orig = noGrad(() => indexSelect(x, 0, Int32Array.from(picked)));
  const rec = model.reconstruct(orig);
  const cells = new Float32Array(picked.length * 2 * dim);
  for (let p = 0; p < pairs; p++) {
    cells.set(orig.data.subarray(p * row, (p + 1) * row), (2 * p) * row);
    cells.set(rec.data.subarray(p * row, (p + 1) * row), (2 * p + 1) * row);
  }
  // imageGrid expects dark-on-light backgrounds to read well: show ink as dark pixels.
  for (let i = 0; i < cells.length; i++) cells[i] = 1 - cells[i];
  return imageGrid(cells, { height: side, width: side, cols: 10, pad: 1, background: 0.6 });
}

export const s5Autoencoder: Study = {
  name: 's5-autoencoder',
  title: 'S5: auto-encoder 64-100-code-100-64 on the 8x8 digits (codes 10, 3, 2): reconstructions, t-SNE, k-means purity/ARI vs raw pixels',
  defaultEpochs: 100,
  params: [
    { name: 'codes', type: 'string', list: 'int', min: 1, max: 64, default: '10,3,2', help: 'code sizes, one auto-encoder each (the report: 10, 3, 2)' },
    { name: 'tsne', type: 'int', min: 0, max: 100000, default: 1000, help: 'digits in the t-SNE maps (0: no t-SNE)' },
    { name: 'lr', type: 'float', min: 1e-6, max: 1, default: 1e-3, help: 'Adam learning rate' },
    ...S5_DATA_PARAMS,
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const epochs = o.epochs ?? this.defaultEpochs;
    const codes = P.nums('codes');
    const tsneN = P.num('tsne');
    const lr = P.num('lr');
    const gen = manualSeed(o.seed);
    const { all, train, val, test, dim, description } = s5Splits(gen.fork(), P.str('data') as S5Source, P.strOpt('dataPath'));
    const side = Math.round(Math.sqrt(dim));
    const [x, y] = all.tensors;
    const labels = y.data as Int32Array;
    const n = all.length;
    const xData = x.data as Float32Array;
    const tsneRows = tsneN > 0 ? gen.fork().permutation(n).slice(0, Math.min(tsneN, n)).sort() : new Int32Array(0);
    const tsneLabels = Array.from(tsneRows, (r) => labels[r]);
    o.log(`s5-autoencoder: ${description} (${train.length}/${val.length}/${test.length}), ${dim}-100-code-100-${dim}, tanh, sigmoid output, BCE, Adam ${lr}, batch 100, ${epochs} epochs; codes ${codes.join(', ')}`);

    // The raw pixels: k-means and t-SNE, the baseline for the codes.
    const rawRun = o.tracking.variant('raw-pixels', { features: 'pixels', dim, kmeans: 10, tsnePoints: tsneRows.length })?.run;
    let t0 = performance.now();
    const raw = clusterDigits({ data: xData, rows: n, cols: dim }, labels, o.seed);
    logClusters(rawRun, 'the raw pixels', raw, labels, 0);
    o.log(`raw pixels: k-means purity ${raw.purity.toFixed(3)}, ARI ${raw.ari.toFixed(3)} (report: 0.69 / 0.49) (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    o.log(`  per cluster (majority digit: purity (size)): ${perClusterLine(raw)}`);
    if (tsneRows.length) {
      t0 = performance.now();
      const emb = await embed(xData, dim, tsneRows, o.seed);
      rawRun?.logPoints('tsne', { dims: 2, coords: emb, labels: tsneLabels, caption: `t-SNE of the raw pixels of ${tsneRows.length} digits` }, 0);
      o.log(`  t-SNE of ${tsneRows.length} raw digits (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }

    const rows: { code: number; testLoss: number; purity: number; ari: number; perCluster: ClusterReport['perCluster'] }[] = [];
    const histories: Record<string, StudyResult['history']> = {};
    for (const k of codes) {
      const model = new AutoEncoder(dim, 100, k, gen.fork());
      const tracker = o.tracking.variant(`code${k}`, { code: k, layers: [dim, 100, k, 100, dim], data: P.str('data'), activation: 'tanh', output: 'sigmoid', loss: 'BCE', optimizer: 'Adam', lr, batchSize: 100, epochs });
      const pairsOf = (s: Subset): TensorDataset => {
        const [sx] = s.getBatch(Int32Array.from({ length: s.length }, (_, i) => i));
        return new TensorDataset(sx, sx);
      };
      t0 = performance.now();
      let line = 0;
      const r = await fit({
        model, optimizer: new Adam(model.parameters(), { lr }), epochs,
        lossFn: (out, target) => binaryCrossEntropy(out, target),
        train: new DataLoader(pairsOf(train), { batchSize: 100, shuffle: true, generator: gen.fork() }),
        val: new DataLoader(pairsOf(val), { batchSize: 1000 }),
        test: new DataLoader(pairsOf(test), { batchSize: 1000 }),
        callbacks: tracked(tracker),
        log: (l) => { if (++line % 50 === 0) o.log(`  code ${k}: ${l}`); },
      });
      const run = tracker?.run;
      run?.logImage('reconstructions', { ...reconstructionGrid(model, x, labels, test, 2, side), caption: `test digits (rows 1, 3) and their reconstructions from a ${k}-d code (rows 2, 4)` }, epochs);
      const z = model.encode(x);
      const c = clusterDigits({ data: z.data, rows: n, cols: k }, labels, o.seed);
      logClusters(run, `the ${k}-d codes`, c, labels, epochs);
      const zData = z.data as Float32Array;
      if (k === 2 || k === 3) {
        run?.logPoints('code', { dims: k, coords: zData, labels: Array.from(labels), caption: `the ${k}-d codes of all ${n} digits` }, epochs);
      }
      if (k !== 2 && tsneRows.length) {
        run?.logPoints('tsne', { dims: 2, coords: await embed(zData, k, tsneRows, o.seed), labels: tsneLabels, caption: `t-SNE of the ${k}-d codes of ${tsneRows.length} digits` }, epochs);
      }
      rows.push({ code: k, testLoss: r.test!.loss, purity: c.purity, ari: c.ari, perCluster: c.perCluster });
      histories[`code${k}`] = historyRows(r.history);
      o.log(`code ${k}: test BCE ${r.test!.loss.toFixed(4)}; k-means on codes purity ${c.purity.toFixed(3)}, ARI ${c.ari.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      o.log(`  per cluster: ${perClusterLine(c)}`);
    }
    o.log('k-means with 10 clusters      purity     ARI');
    o.log(`  raw pixels (${dim}-d)${' '.repeat(Math.max(0, 2 - String(dim).length))}        ${raw.purity.toFixed(3).padStart(6)}  ${raw.ari.toFixed(3).padStart(6)}   report: 0.69 / 0.49`);
    for (const r of rows) o.log(`  codes (${r.code}-d)${' '.repeat(Math.max(1, 17 - String(r.code).length))}${r.purity.toFixed(3).padStart(6)}  ${r.ari.toFixed(3).padStart(6)}   ${r.code === codes[0] ? 'report: 0.62 / 0.44' : ''}`);
    const first = rows[0];
    return {
      study: this.name, seed: o.seed, epochs, testAccuracy: NaN, testLoss: first?.testLoss ?? NaN,
      history: first ? histories[`code${first.code}`] : [],
      raw: { purity: raw.purity, ari: raw.ari, perCluster: raw.perCluster }, codes: rows, histories,
    };
  },
};
