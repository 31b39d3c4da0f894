/**
 * Fused recurrent cells: one LSTM or GRU time step as one forward and one backward kernel
 * instead of a dozen small ops (the gate split, σ, tanh, products and sums).
 *
 * The engine gives every op one output, and an LSTM step has two (h and c). lstmCell records
 * one op whose output is the stacked state [2, B, H] = [h; c]; h and c are views of its two
 * halves (no copy), each recorded as a slice whose gradient the engine adds into the state's
 * gradient. The cell's backward then receives dh and dc together and runs the fused kernel once.
 */
import type { DType, FloatData, MatmulSpec } from '../../backend/backend.js';
import { backend } from '../../backend/index.js';
import { shapeStr } from '../../backend/shape.js';
import { Tensor, allocData, allocStorage } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { castRaw } from './elementwise.js';
import { empty, floatDtype, promote } from './util.js';

export interface LstmCellState {
  /** Hidden state h = o⊙tanh(c), [B, H]. */
  h: Tensor;
  /** Cell state c = f⊙cPrev + i⊙g, [B, H]. */
  c: Tensor;
}

/** Half k (0 = h, 1 = c) of a stacked [2, B, H] state, sharing its data. */
function statePart(state: Tensor, k: 0 | 1): Tensor {
  const [, B, H] = state.shape;
  const n = B * H;
  const part = new Tensor(state.data.subarray(k * n, (k + 1) * n), [B, H]);
  return record(k === 0 ? 'lstmCell.h' : 'lstmCell.c', [state], part, (g) => [
    { kind: 'slice', src: new Tensor(g.data, [1, B, H]), begin: [k, 0, 0], step: [1, 1, 1] },
  ]);
}

/**
 * One LSTM step (torch.nn.LSTMCell after its two linear maps): gates [B, 4H] are the
 * pre-activations W_ih·x + b_ih + W_hh·h + b_hh in PyTorch's order i, f, g, o; cPrev is [B, H].
 * Returns c = σ(f)⊙cPrev + σ(i)⊙tanh(g) and h = σ(o)⊙tanh(c). Differentiable in both inputs.
 */
export function lstmCell(gates: Tensor, cPrev: Tensor): LstmCellState {
  if (cPrev.ndim !== 2 || gates.ndim !== 2 || gates.shape[0] !== cPrev.shape[0] || gates.shape[1] !== 4 * cPrev.shape[1]) {
    throw new RangeError(`lstmCell: expected gates [B, 4H] and cPrev [B, H], got gates ${shapeStr(gates.shape)} and cPrev ${shapeStr(cPrev.shape)}`);
  }
  const [B, H] = cPrev.shape;
  const dtype = floatDtype(promote(gates.dtype, cPrev.dtype));
  const g = castRaw(gates, dtype);
  const cp = castRaw(cPrev, dtype);
  const n = B * H;
  const state = empty([2, B, H], dtype);
  const act = allocData(dtype, 5 * n) as FloatData;
  const sd = state.data as FloatData;
  backend().lstmCell(g.storage as FloatData, cp.storage as FloatData, B, H, sd.subarray(n), sd.subarray(0, n), act);
  record('lstmCell', [gates, cPrev], state, (grad) => {
    const gs = castRaw(grad, dtype).data as FloatData;
    const dGates = empty([B, 4 * H], dtype);
    const dCprev = cPrev.requiresGrad ? empty([B, H], dtype) : null;
    backend().lstmCellBackward(act, cp.storage as FloatData, gs.subarray(0, n), gs.subarray(n), B, H,
      dGates.storage as FloatData, dCprev ? (dCprev.storage as FloatData) : null);
    return [castRaw(dGates, gates.dtype), dCprev ? castRaw(dCprev, cPrev.dtype) : null];
  });
  return { h: statePart(state, 0), c: statePart(state, 1) };
}

/**
 * One GRU step (torch.nn.GRUCell after its two linear maps), gates in PyTorch's order r, z, n:
 * xp = W_ih·x + b_ih and hp = W_hh·hPrev + b_hh, both [B, 3H]; hPrev is [B, H]. Returns
 * h = (1 − z)⊙n + z⊙hPrev with r = σ(xp_r + hp_r), z = σ(xp_z + hp_z),
 * n = tanh(xp_n + r⊙hp_n). Differentiable in all three inputs.
 */
export function gruCell(xp: Tensor, hp: Tensor, hPrev: Tensor): Tensor {
  if (hPrev.ndim !== 2 || xp.ndim !== 2 || hp.ndim !== 2 || xp.shape[0] !== hPrev.shape[0] || hp.shape[0] !== hPrev.shape[0] ||
    xp.shape[1] !== 3 * hPrev.shape[1] || hp.shape[1] !== 3 * hPrev.shape[1]) {
    throw new RangeError(`gruCell: expected xp [B, 3H], hp [B, 3H] and hPrev [B, H], got xp ${shapeStr(xp.shape)}, hp ${shapeStr(hp.shape)} and hPrev ${shapeStr(hPrev.shape)}`);
  }
  const [B, H] = hPrev.shape;
  const dtype = floatDtype(promote(promote(xp.dtype, hp.dtype), hPrev.dtype));
  const x = castRaw(xp, dtype);
  const p = castRaw(hp, dtype);
  const hp0 = castRaw(hPrev, dtype);
  const out = empty([B, H], dtype);
  const act = allocData(dtype, 3 * B * H) as FloatData;
  backend().gruCell(x.storage as FloatData, p.storage as FloatData, hp0.storage as FloatData, B, H, out.storage as FloatData, act);
  return record('gruCell', [xp, hp, hPrev], out, (grad) => {
    const dXp = empty([B, 3 * H], dtype);
    const dHp = empty([B, 3 * H], dtype);
    const dHprev = hPrev.requiresGrad ? empty([B, H], dtype) : null;
    backend().gruCellBackward(act, p.storage as FloatData, hp0.storage as FloatData, castRaw(grad, dtype).storage as FloatData, B, H,
      dXp.storage as FloatData, dHp.storage as FloatData, dHprev ? (dHprev.storage as FloatData) : null);
    return [castRaw(dXp, xp.dtype), castRaw(dHp, hp.dtype), dHprev ? castRaw(dHprev, hPrev.dtype) : null];
  });
}

/** What a whole recurrent layer direction returns (output, h and c share one block of storage). */
export interface RecurrentSequence {
  /** h at every step, [T, B, H], in time order (also when run in reverse). */
  output: Tensor;
  /** The last state reached (at t = T−1, or t = 0 in reverse), [B, H]. */
  h: Tensor;
  /** The last cell state of an LSTM, [B, H]; null for a GRU. */
  c: Tensor | null;
}

/** Rows [start, start + count) of y along dim 0 as a tensor of `shape`, sharing y's data. */
function rowsOf(y: Tensor, start: number, count: number, shape: readonly number[], op: string): Tensor {
  const rest = y.shape.slice(1);
  const inner = rest.reduce((a, b) => a * b, 1);
  const part = new Tensor(y.data.subarray(start * inner, (start + count) * inner), shape);
  return record(op, [y], part, (g) => [
    { kind: 'slice', src: new Tensor(g.data, [count, ...rest]), begin: y.shape.map((_, d) => (d === 0 ? start : 0)), step: y.shape.map(() => 1) },
  ]);
}

function gemm(m: number, k: number, n: number, transA: boolean, transB: boolean): MatmulSpec {
  return { batch: 1, m, k, n, transA, transB, strideA: 0, strideB: 0 };
}

/**
 * h_{t−1} for every step t stacked [T, B, H]: h0 then outputs 0..T−2 (or, in reverse, outputs
 * 1..T−1 then h0), so that dW_hh = Σ_t dGates_tᵀ·h_{t−1} is one GEMM.
 */
function previousStates(y: FloatData, h0: FloatData, T: number, n: number, reverse: boolean, dtype: DType): FloatData {
  const hp = allocStorage(dtype, T * n) as unknown as FloatData;
  if (reverse) {
    hp.set(y.subarray(n, T * n), 0);
    hp.set(h0, (T - 1) * n);
  } else {
    hp.set(h0, 0);
    hp.set(y.subarray(0, (T - 1) * n), n);
  }
  return hp;
}

function checkSequence(op: string, xp: Tensor, whh: Tensor, h0: Tensor, gates: number): void {
  const H = h0.shape[1];
  if (xp.ndim !== 3 || h0.ndim !== 2 || xp.shape[0] < 1 || xp.shape[1] !== h0.shape[0] || xp.shape[2] !== gates * H ||
    whh.ndim !== 2 || whh.shape[0] !== gates * H || whh.shape[1] !== H) {
    throw new RangeError(`${op}: expected xp [T ≥ 1, B, ${gates}H], whh [${gates}H, H] and h0 [B, H], got xp ${shapeStr(xp.shape)}, whh ${shapeStr(whh.shape)} and h0 ${shapeStr(h0.shape)}`);
  }
}

/**
 * A whole LSTM layer direction as one op: T lstmCell steps with gates_t = xp_t + h_{t−1}·W_hhᵀ,
 * where xp [T, B, 4H] already holds W_ih·x_t + b_ih + b_hh for every step, whh is [4H, H] and
 * h0, c0 are [B, H]. Steps run t = 0..T−1, or T−1..0 with `reverse`. The values are those of
 * the step-by-step graph; the backward runs the steps back in one loop (no graph node per step)
 * and forms dW_hh as one GEMM over all steps.
 */
export function lstmSequence(xp: Tensor, whh: Tensor, h0: Tensor, c0: Tensor, reverse = false): RecurrentSequence {
  checkSequence('lstmSequence', xp, whh, h0, 4);
  if (c0.ndim !== 2 || c0.shape[0] !== h0.shape[0] || c0.shape[1] !== h0.shape[1]) {
    throw new RangeError(`lstmSequence: c0 must have the shape of h0 ${shapeStr(h0.shape)}, got ${shapeStr(c0.shape)}`);
  }
  const [T, B] = xp.shape;
  const H = h0.shape[1];
  const n = B * H;
  const be = backend();
  const dtype = floatDtype(promote(promote(xp.dtype, whh.dtype), promote(h0.dtype, c0.dtype)));
  const X = castRaw(xp, dtype).storage as FloatData;
  const W = castRaw(whh, dtype).storage as FloatData;
  const H0 = castRaw(h0, dtype).storage as FloatData;
  const C0 = castRaw(c0, dtype).storage as FloatData;
  // y holds h_t for every t, then the last c: one output, viewed as output, h and c.
  const y = empty([T + 1, B, H], dtype);
  const Y = y.storage as FloatData;
  const C = allocStorage(dtype, T * n) as unknown as FloatData;
  const act = allocStorage(dtype, T * 5 * n) as unknown as FloatData;
  const gates = allocStorage(dtype, 4 * n) as unknown as FloatData;
  const at = (k: number): number => (reverse ? T - 1 - k : k);
  let hPrev = H0;
  let cPrev = C0;
  for (let k = 0; k < T; k++) {
    const t = at(k);
    be.matmul(hPrev, W, gates, gemm(B, H, 4 * H, false, true));
    be.binary('add', gates, [B, 4 * H], X.subarray(t * 4 * n, (t + 1) * 4 * n), [B, 4 * H], gates, [B, 4 * H]);
    hPrev = Y.subarray(t * n, (t + 1) * n);
    const c = C.subarray(t * n, (t + 1) * n);
    be.lstmCell(gates, cPrev, B, H, c, hPrev, act.subarray(t * 5 * n, (t + 1) * 5 * n));
    cPrev = c;
  }
  Y.set(cPrev, T * n);
  record('lstmSequence', [xp, whh, h0, c0], y, (grad) => {
    const G = castRaw(grad, dtype).storage as FloatData;
    const dX = empty([T, B, 4 * H], dtype);
    const DX = dX.storage as FloatData;
    const dh = allocStorage(dtype, n) as unknown as FloatData;
    // Gradients reaching h_{t−1} and c_{t−1} from step t (the latter starts as that of the last c).
    const dhRun = allocStorage(dtype, n) as unknown as FloatData;
    let dc = allocStorage(dtype, n) as unknown as FloatData;
    dc.set(G.subarray(T * n));
    let dcNext = allocStorage(dtype, n) as unknown as FloatData;
    for (let k = T - 1; k >= 0; k--) {
      const t = at(k);
      const dG = DX.subarray(t * 4 * n, (t + 1) * 4 * n);
      be.binary('add', G.subarray(t * n, (t + 1) * n), [B, H], dhRun, [B, H], dh, [B, H]);
      be.lstmCellBackward(act.subarray(t * 5 * n, (t + 1) * 5 * n), k === 0 ? C0 : C.subarray(at(k - 1) * n, (at(k - 1) + 1) * n),
        dh, dc, B, H, dG, dcNext);
      [dc, dcNext] = [dcNext, dc];
      if (k > 0 || h0.requiresGrad) be.matmul(dG, W, dhRun, gemm(B, 4 * H, H, false, false));
    }
    let dW: Tensor | null = null;
    if (whh.requiresGrad) {
      dW = empty([4 * H, H], dtype);
      be.matmul(DX, previousStates(Y, H0, T, n, reverse, dtype), dW.storage as FloatData, gemm(4 * H, T * B, H, true, false));
    }
    return [
      castRaw(dX, xp.dtype),
      dW && castRaw(dW, whh.dtype),
      h0.requiresGrad ? castRaw(new Tensor(dhRun, [B, H]), h0.dtype) : null,
      c0.requiresGrad ? castRaw(new Tensor(dc, [B, H]), c0.dtype) : null,
    ];
  });
  return {
    output: rowsOf(y, 0, T, [T, B, H], 'lstmSequence.output'),
    h: rowsOf(y, reverse ? 0 : T - 1, 1, [B, H], 'lstmSequence.h'),
    c: rowsOf(y, T, 1, [B, H], 'lstmSequence.c'),
  };
}

/**
 * A whole GRU layer direction as one op: T gruCell steps with hp_t = h_{t−1}·W_hhᵀ + b_hh, where
 * xp [T, B, 3H] holds W_ih·x_t + b_ih for every step, whh is [3H, H], bhh [3H] (or null) and
 * h0 [B, H]. Steps run t = 0..T−1, or T−1..0 with `reverse`. The backward runs the steps back in
 * one loop and forms dW_hh and db_hh once over all steps.
 */
export function gruSequence(xp: Tensor, whh: Tensor, bhh: Tensor | null, h0: Tensor, reverse = false): RecurrentSequence {
  checkSequence('gruSequence', xp, whh, h0, 3);
  const [T, B] = xp.shape;
  const H = h0.shape[1];
  if (bhh && (bhh.ndim !== 1 || bhh.shape[0] !== 3 * H)) throw new RangeError(`gruSequence: bhh must be [3H] = [${3 * H}], got ${shapeStr(bhh.shape)}`);
  const n = B * H;
  const be = backend();
  let dtype = floatDtype(promote(promote(xp.dtype, whh.dtype), h0.dtype));
  if (bhh) dtype = floatDtype(promote(dtype, bhh.dtype));
  const X = castRaw(xp, dtype).storage as FloatData;
  const W = castRaw(whh, dtype).storage as FloatData;
  const H0 = castRaw(h0, dtype).storage as FloatData;
  const bias = bhh ? castRaw(bhh, dtype) : null;
  const y = empty([T, B, H], dtype);
  const Y = y.storage as FloatData;
  const HP = allocStorage(dtype, T * 3 * n) as unknown as FloatData;
  const act = allocStorage(dtype, T * 3 * n) as unknown as FloatData;
  const at = (k: number): number => (reverse ? T - 1 - k : k);
  const prevOf = (k: number): FloatData => (k === 0 ? H0 : Y.subarray(at(k - 1) * n, (at(k - 1) + 1) * n));
  for (let k = 0; k < T; k++) {
    const t = at(k);
    const hp = HP.subarray(t * 3 * n, (t + 1) * 3 * n);
    be.matmul(prevOf(k), W, hp, gemm(B, H, 3 * H, false, true));
    if (bias) be.binary('add', hp, [B, 3 * H], bias.storage, [3 * H], hp, [B, 3 * H]);
    be.gruCell(X.subarray(t * 3 * n, (t + 1) * 3 * n), hp, prevOf(k), B, H, Y.subarray(t * n, (t + 1) * n), act.subarray(t * 3 * n, (t + 1) * 3 * n));
  }
  const inputs = bhh ? [xp, whh, h0, bhh] : [xp, whh, h0];
  record('gruSequence', inputs, y, (grad) => {
    const G = castRaw(grad, dtype).storage as FloatData;
    const dX = empty([T, B, 3 * H], dtype);
    const DX = dX.storage as FloatData;
    const DHP = allocStorage(dtype, T * 3 * n) as unknown as FloatData;
    const dh = allocStorage(dtype, n) as unknown as FloatData;
    const direct = allocStorage(dtype, n) as unknown as FloatData;
    const dhRun = allocStorage(dtype, n) as unknown as FloatData; // gradient reaching h_{t−1} from step t
    for (let k = T - 1; k >= 0; k--) {
      const t = at(k);
      const dHp = DHP.subarray(t * 3 * n, (t + 1) * 3 * n);
      be.binary('add', G.subarray(t * n, (t + 1) * n), [B, H], dhRun, [B, H], dh, [B, H]);
      be.gruCellBackward(act.subarray(t * 3 * n, (t + 1) * 3 * n), HP.subarray(t * 3 * n, (t + 1) * 3 * n), prevOf(k), dh, B, H,
        DX.subarray(t * 3 * n, (t + 1) * 3 * n), dHp, direct);
      if (k > 0 || h0.requiresGrad) {
        be.matmul(dHp, W, dhRun, gemm(B, 3 * H, H, false, false));
        be.binary('add', dhRun, [B, H], direct, [B, H], dhRun, [B, H]);
      }
    }
    let dW: Tensor | null = null;
    if (whh.requiresGrad) {
      dW = empty([3 * H, H], dtype);
      be.matmul(DHP, previousStates(Y, H0, T, n, reverse, dtype), dW.storage as FloatData, gemm(3 * H, T * B, H, true, false));
    }
    let dB: Tensor | null = null;
    if (bhh?.requiresGrad) {
      dB = empty([3 * H], dtype);
      be.reduce('sum', DHP, [T * B, 3 * H], [0], dB.storage);
    }
    const grads = [
      castRaw(dX, xp.dtype),
      dW && castRaw(dW, whh.dtype),
      h0.requiresGrad ? castRaw(new Tensor(dhRun, [B, H]), h0.dtype) : null,
    ];
    if (bhh) grads.push(dB && castRaw(dB, bhh.dtype));
    return grads;
  });
  return { output: y, h: rowsOf(y, reverse ? 0 : T - 1, 1, [B, H], 'gruSequence.h'), c: null };
}
