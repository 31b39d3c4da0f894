/**
 * Connectionist temporal classification loss (Graves et al. 2006) as torch.nn.CTCLoss, composed
 * from differentiable ops: the forward (α) recursion in log space over the extended label
 * sequence (blank, l₁, blank, l₂, …, blank), one step per frame, on [N, 2S+1] tensors, so that
 * autograd gives the gradient. log α starts at −1e30 instead of −∞ where nothing is reachable,
 * so no step ever computes ∞ − ∞; a loss that stays near 1e30 means no alignment exists and is
 * reported as +∞ (or 0 with zeroInfinity, gradient 0, as PyTorch).
 *
 * logProbs [T, N, C] (or [T, C]) are log-probabilities (log_softmax over C). targets are int32,
 * padded [N, S] or concatenated 1-d; inputLengths and targetLengths [N]. 'mean' divides each
 * loss by its target length (at least 1) and averages over the batch, as PyTorch.
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkArg, checkOptions, num, oneOf } from '../tensor/options.js';
import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

export interface CTCOptions {
  blank?: number;
  reduction?: 'mean' | 'sum' | 'none';
  zeroInfinity?: boolean;
}

type Lengths = Tensor | readonly number[] | Int32Array;

const NEG = -1e30;
const INF_AT = 1e29;

function lengths(op: string, name: string, l: Lengths, n: number): number[] {
  const v = l instanceof Tensor ? Array.from(l.data) : Array.from(l);
  if (v.length !== n) throw new RangeError(`${op}: ${name} has ${v.length} entries for a batch of ${n}`);
  v.forEach((x, i) => { if (!Number.isInteger(x) || x < 0) throw new RangeError(`${op}: ${name}[${i}] must be an integer ≥ 0, got ${x}`); });
  return v;
}

export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths, o: CTCOptions = {}): Tensor {
  const op = 'ctcLoss';
  checkOptions(op, o, { blank: num({ min: 0, integer: true }), reduction: oneOf(['mean', 'sum', 'none']), zeroInfinity: 'boolean' });
  const unbatched = logProbs.ndim === 2;
  if (logProbs.ndim !== 3 && !unbatched) throw new RangeError(`${op}: logProbs must be [T, N, C] (or [T, C]), got ${shapeStr(logProbs.shape)}`);
  const lp = unbatched ? A.unsqueeze(logProbs, 1) : logProbs;
  const [T, N, C] = lp.shape;
  const blank = o.blank ?? 0;
  if (blank >= C) throw new RangeError(`${op}: blank ${blank} is outside the ${C} classes`);
  if (targets.dtype !== 'int32') throw new TypeError(`${op}: targets must be int32 class indices, got ${targets.dtype}`);
  const inLen = lengths(op, 'inputLengths', inputLengths, N);
  const tgLen = lengths(op, 'targetLengths', targetLengths, N);
  inLen.forEach((t, n) => { if (t > T) throw new RangeError(`${op}: inputLengths[${n}] = ${t} exceeds the ${T} frames of logProbs ${shapeStr(logProbs.shape)}`); });
  // Each sample's label list.
  const td = targets.data as Int32Array;
  const labels: number[][] = [];
  const padded = targets.ndim === 2;
  let offset = 0;
  for (let n = 0; n < N; n++) {
    const S = tgLen[n];
    let row: number[];
    if (padded) {
      if (S > targets.shape[1]) throw new RangeError(`${op}: targetLengths[${n}] = ${S} exceeds the padded targets ${shapeStr(targets.shape)}`);
      row = Array.from(td.subarray(n * targets.shape[1], n * targets.shape[1] + S));
    } else {
      if (targets.ndim !== 1) throw new RangeError(`${op}: targets must be [N, S] padded or 1-d concatenated, got ${shapeStr(targets.shape)}`);
      if (offset + S > targets.size) throw new RangeError(`${op}: the target lengths add up to more than the ${targets.size} concatenated targets`);
      row = Array.from(td.subarray(offset, offset + S));
      offset += S;
    }
    row.forEach((c, k) => {
      if (c < 0 || c >= C || c === blank) throw new RangeError(`${op}: target ${c} of sample ${n} at ${k} must be a class in [0, ${C}) other than the blank ${blank}`);
    });
    labels.push(row);
  }
  const Smax = Math.max(0, ...tgLen);
  const L = 2 * Smax + 1;
  const ext = new Int32Array(N * L).fill(blank);
  const skip = new Float32Array(N * L);
  const init = new Float32Array(N * L);
  const ends = new Int32Array(N * 2);
  const single = new Float32Array(N);
  labels.forEach((row, n) => {
    row.forEach((c, k) => { ext[n * L + 2 * k + 1] = c; });
    for (let s = 2; s < 2 * row.length + 1; s++) {
      if (ext[n * L + s] !== blank && ext[n * L + s] !== ext[n * L + s - 2]) skip[n * L + s] = 1;
    }
    init[n * L] = 1;
    if (row.length > 0) init[n * L + 1] = 1;
    ends[2 * n] = 2 * row.length;
    ends[2 * n + 1] = Math.max(2 * row.length - 1, 0);
    single[n] = row.length === 0 ? 1 : 0;
  });
  const dt = lp.dtype === 'float64' ? 'float64' : 'float32';
  const f = (d: Float32Array, shape: number[]): Tensor => A.cast(new Tensor(d, shape), dt);
  // Emissions of the extended labels: E[t, n, s] = lp[t, n, ext[n, s]].
  const extIdx = new Int32Array(T * N * L);
  for (let t = 0; t < T; t++) extIdx.set(ext, t * N * L);
  const E = A.gather(lp, 2, new Tensor(extIdx, [T, N, L]));
  const skipT = f(skip, [N, L]);
  const negCol = (k: number): Tensor => A.cast(new Tensor(new Float32Array(N * k).fill(NEG), [N, k]), dt);
  let alpha = A.where(f(init, [N, L]), A.select(E, 0, 0), NEG);
  for (let t = 1; t < T; t++) {
    const a1 = L > 1 ? A.cat([negCol(1), A.narrow(alpha, 1, 0, L - 1)], 1) : negCol(1);
    const a2 = L > 2 ? A.where(skipT, A.cat([negCol(2), A.narrow(alpha, 1, 0, L - 2)], 1), NEG) : negCol(L);
    const next = A.add(A.logsumexp(A.stack([alpha, a1, a2], 0), 0), A.select(E, 0, t));
    const live = f(Float32Array.from(inLen, (len) => (t < len ? 1 : 0)), [N, 1]);
    alpha = A.where(live, next, alpha);
  }
  const last = A.gather(alpha, 1, new Tensor(ends, [N, 2])); // [N, 2]
  const lastPair = A.where(f(Float32Array.from({ length: 2 * N }, (_, i) => (i % 2 === 1 && single[i >> 1] ? 0 : 1)), [N, 2]), last, NEG);
  let loss = A.neg(A.logsumexp(lastPair, 1)); // [N]
  // No input frames: the loss is 0 for an empty target, impossible otherwise.
  const noInput = inLen.map((t) => t === 0);
  if (noInput.some(Boolean)) loss = A.where(f(Float32Array.from(noInput, (z, n) => (z ? 1 : 0) * (tgLen[n] > 0 ? 1 : 0)), [N]), -NEG, A.where(f(Float32Array.from(noInput, (z) => (z ? 1 : 0)), [N]), 0, loss));
  const impossible = A.gt(A.detach(loss), INF_AT);
  loss = o.zeroInfinity ? A.where(impossible, 0, loss) : A.where(impossible, Infinity, loss);
  const reduction = o.reduction ?? 'mean';
  if (reduction === 'none') return unbatched ? A.squeeze(loss, 0) : loss;
  if (reduction === 'sum') return A.sum(loss);
  return A.mean(A.div(loss, f(Float32Array.from(tgLen, (s) => Math.max(s, 1)), [N])));
}

export class CTCLoss extends Module {
  readonly blank: number;
  readonly reduction: 'mean' | 'sum' | 'none';
  readonly zeroInfinity: boolean;

  constructor(o: CTCOptions = {}) {
    super();
    checkOptions('CTCLoss', o, { blank: num({ min: 0, integer: true }), reduction: oneOf(['mean', 'sum', 'none']), zeroInfinity: 'boolean' });
    this.blank = o.blank ?? 0;
    this.reduction = o.reduction ?? 'mean';
    this.zeroInfinity = o.zeroInfinity ?? false;
  }

  /** logProbs [T, N, C], targets int32 [N, S] or concatenated, inputLengths and targetLengths int32 [N]. */
  forward(logProbs: Tensor, targets: Tensor, inputLengths: Tensor, targetLengths: Tensor): Tensor {
    checkArg('CTCLoss', 'inputLengths', inputLengths, (v) => (v instanceof Tensor ? null : 'must be a tensor'));
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, { blank: this.blank, reduction: this.reduction, zeroInfinity: this.zeroInfinity });
  }
}
