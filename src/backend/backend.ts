/**
 * The kernel interface: the only place where gradlab loops over numbers.
 *
 * Contract
 * - Every array is contiguous and row-major. Shapes are plain number lists; a scalar has shape [].
 * - Kernels write into an `out` array that the caller allocated with the right length and type;
 *   they never allocate tensors, never keep references to their arguments after returning and
 *   never know about autograd.
 * - Broadcasting follows NumPy: shapes are aligned on the right, a size-1 (or missing) dimension
 *   repeats. The caller has already checked that shapes broadcast and computed `outShape`.
 * - Float kernels must accept Float32Array and Float64Array alike (float64 is used by the
 *   gradient checker); integer data is Int32Array.
 *
 * The `js` backend (backend/js) is the readable reference: every other backend is tested
 * against it, kernel by kernel.
 */

export type DType = 'float32' | 'float64' | 'int32';
export type Data = Float32Array | Float64Array | Int32Array;
export type FloatData = Float32Array | Float64Array;
export type Shape = readonly number[];

export type { BinaryOp, UnaryOp } from './optable.js';
import type { BinaryOp, UnaryOp } from './optable.js';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/** Batched matrix product: out[b] = op(A[b]) · op(B[b]) with op = transpose when asked. */
export interface MatmulSpec {
  batch: number;
  m: number;
  k: number;
  n: number;
  /** A[b] is stored as k×m (so op(A) = Aᵀ is m×k). */
  transA: boolean;
  /** B[b] is stored as n×k. */
  transB: boolean;
  /** Elements between consecutive batches of A (0 = the same matrix for every batch). */
  strideA: number;
  strideB: number;
}

/** Sliding windows over the last 1 or 2 dims of an [N, C, ...spatial] input (convolution, pooling). */
export interface WindowSpec {
  /** Input spatial sizes, e.g. [L] or [H, W]. */
  inSize: number[];
  /** Output spatial sizes. */
  outSize: number[];
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
}

export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** true: decoupled weight decay (AdamW); false: L2 added to the gradient (Adam). */
  decoupled: boolean;
  /** Step number, starting at 1, used for bias correction. */
  step: number;
}

export interface SgdStep {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** First step: the momentum buffer is set to the gradient instead of being updated. */
  firstStep: boolean;
}

/**
 * Dropout with a counter-based mask: entry i is kept iff dropoutHash(i, key0, key1) < keep·2³²,
 * where dropoutHash(i, k0, k1) = triple32(triple32(i ^ k0) ^ k1) on unsigned 32-bit words
 * (triple32: C. Wellons' low-bias integer hash; reference in backend/js/nn.ts). The mask is a
 * pure function of the index and the key, so every backend (and every thread split) draws the
 * same one, and the backward pass regenerates it instead of storing it.
 */
export interface DropoutSpec {
  /** Probability of keeping an entry, in (0, 1]. */
  keep: number;
  /** Multiplier of the kept entries (1 / keep for inverted dropout); float32 data uses fround(scale). */
  scale: number;
  /** The key: two unsigned 32-bit words, drawn from the seeded Generator once per call. */
  key0: number;
  key1: number;
}

/** The arrays of one parameter in a multi-tensor SGD update (what sgdStep takes). */
export interface SgdTensors {
  param: FloatData;
  grad: FloatData;
  momentumBuf: FloatData | null;
}

/** The arrays of one parameter in a multi-tensor Adam update (what adamStep takes). */
export interface AdamTensors {
  param: FloatData;
  grad: FloatData;
  expAvg: FloatData;
  expAvgSq: FloatData;
  maxExpAvgSq: FloatData | null;
}

/**
 * The primitives: what every backend implements. Elementwise maps (codes and references in the
 * op table, optable.ts), broadcasting binary ops, reductions, the matrix product in its transpose
 * layouts, and data movement. A new backend (WebGPU, …) starts here: with these alone, every
 * tensor op, layer and optimizer of gradlab runs, the fused group being composed from them
 * (compose.ts).
 */
export interface Primitives {
  /** out[i] = op(x[i]). */
  unary(op: UnaryOp, x: Data, out: Data): void;
  /** out[i] = op(x[i], scalar) for op in leakyRelu-like families: out = x > 0 ? x : x * slope. */
  leakyRelu(x: FloatData, slope: number, out: FloatData): void;
  /** out = min(max(x, lo), hi). */
  clamp(x: Data, lo: number, hi: number, out: Data): void;
  /** Broadcasting binary op; comparisons write 1 or 0. */
  binary(op: BinaryOp, a: Data, aShape: Shape, b: Data, bShape: Shape, out: Data, outShape: Shape): void;
  /** out = cond != 0 ? a : b, all three broadcast to outShape. */
  where(cond: Data, cShape: Shape, a: Data, aShape: Shape, b: Data, bShape: Shape, out: Data, outShape: Shape): void;

  /** Reduces over `axes` (sorted, unique); out has the shape of x with those axes removed. */
  reduce(op: ReduceOp, x: Data, shape: Shape, axes: readonly number[], out: Data): void;
  /** Index of the first max/min along `axis`. */
  argReduce(op: 'argmax' | 'argmin', x: Data, shape: Shape, axis: number, out: Int32Array): void;

  matmul(a: FloatData, b: FloatData, out: FloatData, spec: MatmulSpec): void;

  /** out = x permuted: out.shape[i] = shape[perm[i]]. */
  permute(x: Data, shape: Shape, perm: readonly number[], out: Data): void;
  /** Strided window copy: out[idx] = x[begin + idx * step] per dim; out has outShape. */
  sliceCopy(x: Data, shape: Shape, begin: readonly number[], step: readonly number[], out: Data, outShape: Shape): void;
  /** Inverse of sliceCopy that accumulates: out[begin + idx * step] += src[idx]. */
  sliceAdd(src: Data, srcShape: Shape, out: Data, outShape: Shape, begin: readonly number[], step: readonly number[]): void;
  /**
   * torch.gather along `axis`: out[..i..] = x[..index[..i..]..]; index and out have indexShape,
   * which equals shape except along `axis`.
   */
  gather(x: Data, shape: Shape, axis: number, index: Int32Array, indexShape: Shape, out: Data): void;
  /** Adjoint of gather: out[..index[..i..]..] += src[..i..]; out has `shape`. */
  scatterAdd(src: Data, indexShape: Shape, axis: number, index: Int32Array, out: Data, shape: Shape): void;
  /** out[o, j, i] = x[o, index[j], i] for x viewed as [outer, size, inner]. */
  indexSelect(x: Data, outer: number, size: number, inner: number, index: Int32Array, out: Data): void;
  /** Adjoint of indexSelect: out[o, index[j], i] += src[o, j, i]. */
  indexAdd(src: Data, outer: number, size: number, inner: number, index: Int32Array, out: Data): void;

  /**
   * Unfold sliding windows: x [N, C, ...in] → cols [N, C·∏kernel, ∏out] (zero padding); with
   * batchInner, cols [C·∏kernel, N, ∏out], so that a convolution over the whole batch is one
   * GEMM (weight [out, C·∏kernel] · cols [C·∏kernel, N·∏out]).
   */
  im2col(x: FloatData, n: number, c: number, spec: WindowSpec, out: FloatData, batchInner?: boolean): void;
  /** Adjoint of im2col: accumulates cols back into out [N, C, ...in] (out is zeroed by the caller). */
  col2im(cols: FloatData, n: number, c: number, spec: WindowSpec, out: FloatData, batchInner?: boolean): void;

  /** out[i] = x[i] converted to out's type (float → int truncates toward zero). */
  cast(x: Data, out: Data): void;
  fill(out: Data, value: number): void;

}

/**
 * The fused group: kernels a backend may provide to run a common composite in one pass. When the
 * active backend lacks one, backend() (index.ts) fills it in with the composition from the
 * primitives in compose.ts, so callers (autograd ops, optimizers) always call the same method
 * and never test for presence. The js backend implements all of them as plain loops: the
 * reference the fused kernels of faster backends are tested against.
 */
export interface FusedKernels {
  /** Softmax (or log-softmax) over the middle axis of x viewed as [outer, n, inner]. */
  softmax(x: FloatData, outer: number, n: number, inner: number, log: boolean, out: FloatData): void;

  /**
   * Fused softmax cross-entropy over logits [rows, classes] with class targets (one per row).
   * loss[r] = −w[t]·log softmax(x[r])[t] = w[t]·(logsumexp(x[r]) − x[r, t]) with t = target[r]
   * and w = weight (null: all ones); probs[r] = softmax(x[r]), kept for the backward kernel.
   * A row whose target equals ignoreIndex, or lies outside [0, classes) (the caller rejects those
   * before), gets loss 0.
   */
  crossEntropy(logits: FloatData, target: Int32Array, weight: FloatData | null, rows: number, classes: number,
    ignoreIndex: number, loss: FloatData, probs: FloatData): void;
  /**
   * Backward of crossEntropy: dLogits[r] = gLoss[r]·w[t]·(probs[r] − onehot(t)), zero for the
   * rows crossEntropy ignored. dLogits is overwritten.
   */
  crossEntropyBackward(probs: FloatData, target: Int32Array, weight: FloatData | null, gLoss: FloatData, rows: number,
    classes: number, ignoreIndex: number, dLogits: FloatData): void;
  /**
   * Layer normalisation of each row of x viewed as [rows, n]: out = (x − mean)·rstd·weight + bias
   * with mean and the biased variance over the row and rstd = 1/√(var + eps); weight / bias null
   * mean 1 / 0. The row statistics mean[rows] and rstd[rows] are written for the backward kernel.
   */
  layerNorm(x: FloatData, rows: number, n: number, weight: FloatData | null, bias: FloatData | null, eps: number,
    out: FloatData, mean: FloatData, rstd: FloatData): void;
  /**
   * Backward of layerNorm, given the upstream gradient g [rows, n] and the saved statistics:
   * with x̂ = (x − mean)·rstd and h = g·weight, dx = rstd·(h − mean(h) − x̂·mean(h·x̂)) per row;
   * dWeight[j] = Σ_r g[r, j]·x̂[r, j] and dBias[j] = Σ_r g[r, j] (each skipped when null).
   * dx, dWeight and dBias are overwritten.
   */
  layerNormBackward(g: FloatData, x: FloatData, rows: number, n: number, weight: FloatData | null, mean: FloatData,
    rstd: FloatData, dx: FloatData, dWeight: FloatData | null, dBias: FloatData | null): void;

  /**
   * Convolution (groups = 1) of the whole batch as one GEMM: out [N, Cout, ∏out] =
   * weight [Cout, C·∏kernel] · unfold(x) (x [N, C, ...in]). The unfolded input is a temporary of
   * the kernel, never an array of the caller.
   */
  convForward(x: FloatData, n: number, c: number, spec: WindowSpec, weight: FloatData, cout: number, out: FloatData): void;
  /** Weight gradient of convForward: gw [Cout, C·∏kernel] = Σ_batch g [N, Cout, ∏out] · unfold(x)ᵀ (overwrites gw). */
  convBackwardWeight(x: FloatData, n: number, c: number, spec: WindowSpec, g: FloatData, cout: number, gw: FloatData): void;
  /** Input gradient of convForward: gx [N, C, ...in] += fold(weightᵀ · g); gx is zeroed by the caller. */
  convBackwardInput(weight: FloatData, g: FloatData, n: number, c: number, spec: WindowSpec, cout: number, gx: FloatData): void;

  /**
   * Max over each window of x [N, C, ...in] → out [N, C, ...out]. Padding never wins; the first
   * maximum wins ties and NaN propagates (as in PyTorch). argmax[i] is the winner's index inside
   * its input plane (∏in values), -1 when the window holds only padding.
   */
  maxPool(x: FloatData, n: number, c: number, spec: WindowSpec, out: FloatData, argmax: Int32Array): void;
  /** Adjoint of maxPool: gx[plane, argmax[i]] += g[i]; gx [N, C, ...in] is zeroed by the caller. */
  maxPoolBackward(g: FloatData, n: number, c: number, spec: WindowSpec, argmax: Int32Array, gx: FloatData): void;
  /** Sum of each window (zero padding) times scale[l], one scale per output position: average pooling. */
  avgPool(x: FloatData, n: number, c: number, spec: WindowSpec, scale: Float64Array, out: FloatData): void;
  /** Adjoint of avgPool: every input of window l gets g·scale[l]; gx is zeroed by the caller. */
  avgPoolBackward(g: FloatData, n: number, c: number, spec: WindowSpec, scale: Float64Array, gx: FloatData): void;

  /**
   * Fused LSTM cell over a batch, gates in PyTorch's order i, f, g, o. `gates` [B, 4H] holds the
   * pre-activations (W_ih·x + b_ih + W_hh·h + b_hh); with i = σ(gᵢ), f = σ(g_f), g = tanh(g_g),
   * o = σ(g_o) it writes c = f⊙cPrev + i⊙g and h = o⊙tanh(c) ([B, H] each), and saves
   * i, f, g, o, tanh(c) per batch row in `act` [B, 5H] for lstmCellBackward.
   */
  lstmCell(gates: FloatData, cPrev: FloatData, batch: number, hidden: number, c: FloatData, h: FloatData, act: FloatData): void;
  /**
   * Backward of lstmCell from its `act` and cPrev, given dh and/or dc (null = zero) of its
   * outputs: with dc' = dc + dh⊙o⊙(1 − tanh²c), writes dGates [B, 4H] = [dc'⊙g⊙i(1 − i),
   * dc'⊙cPrev⊙f(1 − f), dc'⊙i⊙(1 − g²), dh⊙tanh(c)⊙o(1 − o)] and, unless null, dCprev = dc'⊙f.
   */
  lstmCellBackward(act: FloatData, cPrev: FloatData, dh: FloatData | null, dc: FloatData | null, batch: number, hidden: number,
    dGates: FloatData, dCprev: FloatData | null): void;
  /**
   * Fused GRU cell over a batch, gates in PyTorch's order r, z, n. `xp` [B, 3H] = W_ih·x + b_ih and
   * `hp` [B, 3H] = W_hh·hPrev + b_hh (kept apart because n needs r⊙hp_n):
   * r = σ(xp_r + hp_r), z = σ(xp_z + hp_z), n = tanh(xp_n + r⊙hp_n), h = (1 − z)⊙n + z⊙hPrev.
   * Writes h [B, H] and saves r, z, n per batch row in `act` [B, 3H] for gruCellBackward.
   */
  gruCell(xp: FloatData, hp: FloatData, hPrev: FloatData, batch: number, hidden: number, h: FloatData, act: FloatData): void;
  /**
   * Backward of gruCell from its `act`, hp and hPrev, given dh: writes dXp [B, 3H], dHp [B, 3H]
   * (equal on the r and z thirds; dHp_n = dXp_n⊙r) and, unless null, dHprev = dh⊙z (the direct
   * path only; the path through hp is the caller's matmul).
   */
  gruCellBackward(act: FloatData, hp: FloatData, hPrev: FloatData, dh: FloatData, batch: number, hidden: number,
    dXp: FloatData, dHp: FloatData, dHprev: FloatData | null): void;

  /** out[i] = x[i] · (kept(i) ? scale : 0) with the mask of `spec` (see DropoutSpec); out may be x. */
  dropout(x: FloatData, spec: DropoutSpec, out: FloatData): void;

  /** In-place fused optimizer updates over one parameter. */
  sgdStep(param: FloatData, grad: FloatData, momentumBuf: FloatData | null, o: SgdStep): void;
  adamStep(param: FloatData, grad: FloatData, expAvg: FloatData, expAvgSq: FloatData, o: AdamStep, maxExpAvgSq: FloatData | null): void;
  /**
   * Multi-tensor forms: the same update as sgdStep / adamStep applied to every entry of the list
   * with the same hyper-parameters, in place. The result must equal calling the single-tensor
   * kernel per entry; a backend may do all entries in one pass (wasm: one copy in, one pool
   * job over the concatenated range, one copy out).
   */
  sgdSteps(list: readonly SgdTensors[], o: SgdStep): void;
  adamSteps(list: readonly AdamTensors[], o: AdamStep): void;
}

/**
 * The values of a tensor kept on a device (WebGPU): a handle standing where a typed array stands
 * on the CPU backends. Only the backend that made it reads it in its kernels; the tensor reads
 * the values back when JS asks for them.
 */
export interface DeviceArray {
  readonly length: number;
  readonly dtype: DType;
  /** The values, read back (synchronously) once and cached; the caller may write them (the next kernel uploads them). */
  read(): Data;
  /** The values for reading only (item(), printing): the device copy stays valid. */
  peek(): Data;
  /** read(), asynchronously: what a browser page's main thread uses (it cannot wait synchronously). */
  readAsync(): Promise<Data>;
  /** The values when a host copy is at hand (no device read), else null; for reading only. */
  cached(): Data | null;
}

/** What a device backend adds: allocation of device arrays and upload of host arrays. */
export interface DeviceHooks {
  /** A zero-filled device array of n elements. */
  alloc(dtype: DType, n: number): DeviceArray;
  /** A device array holding a copy of `data`, or null when the data stays on the host (float64). */
  upload(data: Data): DeviceArray | null;
}

/**
 * Where a kernel argument that stands for a typed array may be a device handle: on a device
 * backend, `Tensor.storage` passes handles (typed as Data so that call sites stay the same);
 * host arrays are accepted too and uploaded per call.
 */
export function isDeviceArray(x: unknown): x is DeviceArray {
  return typeof x === 'object' && x !== null && !ArrayBuffer.isView(x) && typeof (x as DeviceArray).peek === 'function';
}

/** A backend: a name, the primitives, and whichever fused kernels it has. */
export interface Backend extends Primitives, Partial<FusedKernels> {
  readonly name: string;
  /** Present on device backends (webgpu): tensors keep their values there between kernels. */
  readonly device?: DeviceHooks;
}

/** A backend with every fused kernel present (its own or composed): what backend() returns. */
export interface Kernels extends Primitives, FusedKernels {
  readonly name: string;
  readonly device?: DeviceHooks;
}

/** The method names of the fused group, for completing a backend and for tests. */
export const FUSED_KERNELS = [
  'softmax', 'crossEntropy', 'crossEntropyBackward', 'layerNorm', 'layerNormBackward',
  'convForward', 'convBackwardWeight', 'convBackwardInput', 'maxPool', 'maxPoolBackward', 'avgPool', 'avgPoolBackward',
  'lstmCell', 'lstmCellBackward', 'gruCell', 'gruCellBackward', 'dropout', 'sgdStep', 'adamStep', 'sgdSteps', 'adamSteps',
] as const satisfies readonly (keyof FusedKernels)[];
