/**
 * Clustering metrics: purity (per cluster and overall, as study S5 reports it), the adjusted Rand
 * index, mutual information and its normalised form, and the silhouette score, all with
 * scikit-learn's definitions and edge cases (one cluster, identical labelings).
 *
 * Purity of a cluster = share of its largest true class; overall purity = Σ_clusters (largest
 * class count) / n. It rewards many small clusters, which is why S5 reports ARI beside it.
 */
import { checkSameLength, encode, toLabels, toMatrix, uniqueSorted, type MatrixLike, type Vector } from './input.js';

/** Contingency table: rows are the sorted true classes, columns the sorted clusters. */
export interface Contingency {
  classes: number[];
  clusters: number[];
  table: number[][];
}

function pair(fn: string, labelsTrue: Vector, labelsPred: Vector): { t: Int32Array; p: Int32Array } {
  const t = toLabels(labelsTrue, fn, 'labelsTrue');
  const p = toLabels(labelsPred, fn, 'labelsPred');
  checkSameLength(fn, 'labelsTrue', t.length, 'labelsPred', p.length);
  return { t, p };
}

export function contingencyMatrix(labelsTrue: Vector, labelsPred: Vector): Contingency {
  const { t, p } = pair('contingencyMatrix', labelsTrue, labelsPred);
  return contingencyOf(t, p);
}

function contingencyOf(t: Int32Array, p: Int32Array): Contingency {
  const classes = uniqueSorted(t);
  const clusters = uniqueSorted(p);
  const ti = encode(t, classes);
  const pi = encode(p, clusters);
  const table = classes.map(() => new Array<number>(clusters.length).fill(0));
  for (let i = 0; i < t.length; i++) table[ti[i]][pi[i]]++;
  return { classes, clusters, table };
}

export interface ClusterPurity {
  cluster: number;
  size: number;
  /** The most frequent true label in the cluster (the smallest such label on ties). */
  majority: number;
  purity: number;
}

/** Purity of each cluster and overall purity. */
export function purity(labelsTrue: Vector, labelsPred: Vector): { perCluster: ClusterPurity[]; overall: number } {
  const { t, p } = pair('purity', labelsTrue, labelsPred);
  if (t.length === 0) throw new RangeError('purity: no samples');
  const { classes, clusters, table } = contingencyOf(t, p);
  let hits = 0;
  const perCluster = clusters.map((cluster, j) => {
    let size = 0;
    let best = -1;
    let bestCount = -1;
    for (let i = 0; i < classes.length; i++) {
      size += table[i][j];
      if (table[i][j] > bestCount) {
        bestCount = table[i][j];
        best = classes[i];
      }
    }
    hits += bestCount;
    return { cluster, size, majority: best, purity: bestCount / size };
  });
  return { perCluster, overall: hits / t.length };
}

/** Pair confusion counts [[tn, fp], [fn, tp]] over ordered pairs of distinct samples, as sklearn. */
export function pairConfusionMatrix(labelsTrue: Vector, labelsPred: Vector): [[number, number], [number, number]] {
  const { t, p } = pair('pairConfusionMatrix', labelsTrue, labelsPred);
  const { table } = contingencyOf(t, p);
  const n = t.length;
  const nc = table.map((r) => r.reduce((a, b) => a + b, 0));
  const nk = table.length ? table[0].map((_, j) => table.reduce((a, r) => a + r[j], 0)) : [];
  let sumSq = 0;
  for (const r of table) for (const v of r) sumSq += v * v;
  let dotK = 0;
  let dotC = 0;
  table.forEach((r, i) => r.forEach((v, j) => { dotK += v * nk[j]; dotC += v * nc[i]; }));
  const tp = sumSq - n;
  const fp = dotK - sumSq;
  const fn = dotC - sumSq;
  const tn = n * n - fp - fn - sumSq;
  return [[tn, fp], [fn, tp]];
}

/** Adjusted Rand index; 1 for identical partitions (and for empty input), about 0 for random ones. */
export function adjustedRandScore(labelsTrue: Vector, labelsPred: Vector): number {
  const [[tn, fp], [fn, tp]] = pairConfusionMatrix(labelsTrue, labelsPred);
  if (fn === 0 && fp === 0) return 1;
  // NOTE: products of pair counts reach n⁴ and overflow doubles' exact range past n ≈ 10⁴: use BigInt.
  const B = BigInt;
  const num = 2n * (B(tp) * B(tn) - B(fn) * B(fp));
  const den = (B(tp) + B(fn)) * (B(fn) + B(tn)) + (B(tp) + B(fp)) * (B(fp) + B(tn));
  return bigRatio(num, den);
}

function bigRatio(num: bigint, den: bigint): number {
  // Scale down both to keep ~60 significant bits before converting.
  const neg = (num < 0n) !== (den < 0n);
  let a = num < 0n ? -num : num;
  let b = den < 0n ? -den : den;
  const shift = Math.max(0, Math.max(a.toString(2).length, b.toString(2).length) - 1000);
  if (shift > 0) { a >>= BigInt(shift); b >>= BigInt(shift); }
  const r = Number(a) / Number(b);
  return neg ? -r : r;
}

/** Mutual information (natural log) of two labelings. */
export function mutualInfoScore(labelsTrue: Vector, labelsPred: Vector): number {
  const { t, p } = pair('mutualInfoScore', labelsTrue, labelsPred);
  return miOf(contingencyOf(t, p).table);
}

function miOf(table: number[][]): number {
  const R = table.length;
  const C = R ? table[0].length : 0;
  if (R === 1 || C === 1) return 0;
  const pi = table.map((r) => r.reduce((a, b) => a + b, 0));
  const pj = Array.from({ length: C }, (_, j) => table.reduce((a, r) => a + r[j], 0));
  const total = pi.reduce((a, b) => a + b, 0);
  const logTotal = Math.log(total);
  let mi = 0;
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      const v = table[i][j];
      if (v === 0) continue;
      const frac = v / total;
      const term = frac * (Math.log(v) - logTotal) + frac * (-Math.log(pi[i] * pj[j]) + logTotal + logTotal);
      if (Math.abs(term) >= 2.220446049250313e-16) mi += term;
    }
  }
  return Math.max(mi, 0);
}

/** Entropy (natural log) of a labeling; 1 for an empty one, as sklearn. */
export function labelEntropy(labels: Vector): number {
  const l = toLabels(labels, 'labelEntropy', 'labels');
  if (l.length === 0) return 1;
  const counts = new Map<number, number>();
  for (const v of l) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size === 1) return 0;
  const n = l.length;
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * (Math.log(c) - Math.log(n));
  return h;
}

export type AverageMethod = 'arithmetic' | 'geometric' | 'min' | 'max';

/** Normalized mutual information: MI / mean(H(true), H(pred)), arithmetic mean by default. */
export function normalizedMutualInfoScore(labelsTrue: Vector, labelsPred: Vector, opts: { averageMethod?: AverageMethod } = {}): number {
  const { t, p } = pair('normalizedMutualInfoScore', labelsTrue, labelsPred);
  const { classes, clusters, table } = contingencyOf(t, p);
  if ((classes.length === 1 && clusters.length === 1) || (classes.length === 0 && clusters.length === 0)) return 1;
  const mi = miOf(table);
  if (mi === 0) return 0;
  const ht = labelEntropy(t);
  const hp = labelEntropy(p);
  const m = opts.averageMethod ?? 'arithmetic';
  const norm = m === 'arithmetic' ? (ht + hp) / 2 : m === 'geometric' ? Math.sqrt(ht * hp) : m === 'min' ? Math.min(ht, hp) : m === 'max' ? Math.max(ht, hp) : NaN;
  if (Number.isNaN(norm)) throw new RangeError(`normalizedMutualInfoScore: averageMethod must be 'arithmetic', 'geometric', 'min' or 'max', got ${String(m)}`);
  return mi / norm;
}

/**
 * Silhouette coefficient of each sample with euclidean distances: (b − a) / max(a, b), where a is
 * the mean distance to the other members of its cluster and b the smallest mean distance to
 * another cluster; 0 for a sample alone in its cluster. Needs 2 ≤ clusters ≤ n − 1.
 */
export function silhouetteSamples(X: MatrixLike, labels: Vector): Float64Array {
  const fn = 'silhouetteSamples';
  const m = toMatrix(X, fn, 'X');
  const l = toLabels(labels, fn, 'labels');
  checkSameLength(fn, 'X rows', m.rows, 'labels', l.length);
  const clusters = uniqueSorted(l);
  const n = m.rows;
  const K = clusters.length;
  if (!(K > 1 && K < n)) throw new RangeError(`${fn}: number of labels is ${K}; valid values are 2 to n_samples - 1 = ${n - 1} (inclusive)`);
  const idx = encode(l, clusters);
  const freq = new Array<number>(K).fill(0);
  for (const c of idx) freq[c]++;
  const out = new Float64Array(n);
  const sums = new Float64Array(K);
  const d = m.cols;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let k = 0; k < d; k++) {
        const diff = m.data[i * d + k] - m.data[j * d + k];
        s += diff * diff;
      }
      sums[idx[j]] += Math.sqrt(s);
    }
    const own = idx[i];
    if (freq[own] <= 1) { out[i] = 0; continue; }
    const a = sums[own] / (freq[own] - 1);
    let b = Infinity;
    for (let c = 0; c < K; c++) if (c !== own) b = Math.min(b, sums[c] / freq[c]);
    const mx = Math.max(a, b);
    out[i] = mx === 0 ? 0 : (b - a) / mx;
  }
  return out;
}

/** Mean silhouette coefficient over all samples. */
export function silhouetteScore(X: MatrixLike, labels: Vector): number {
  const s = silhouetteSamples(X, labels);
  let t = 0;
  for (const v of s) t += v;
  return t / s.length;
}
