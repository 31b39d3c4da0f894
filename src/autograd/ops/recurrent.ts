/**
 * Fused recurrent cells: one LSTM or GRU time step as one forward and one backward kernel
 * instead of a dozen small ops (the gate split, σ, tanh, products and sums).
 *
 * The engine gives every op one output, and an LSTM step has two (h and c). lstmCell records
 * one op whose output is the stacked state [2, B, H] = [h; c]; h and c are views of its two
 * halves (no copy), each recorded as a slice whose gradient the engine adds into the state's
 * gradient. The cell's backward then receives dh and dc together and runs the fused kernel once.
 */
import type { FloatData } from '../../backend/backend.js';
import { backend } from '../../backend/index.js';
import { shapeStr } from '../../backend/shape.js';
import { Tensor, allocData } from '../../tensor/tensor.js';
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
  backend().lstmCell(g.data as FloatData, cp.data as FloatData, B, H, sd.subarray(n), sd.subarray(0, n), act);
  record('lstmCell', [gates, cPrev], state, (grad) => {
    const gs = castRaw(grad, dtype).data as FloatData;
    const dGates = empty([B, 4 * H], dtype);
    const dCprev = cPrev.requiresGrad ? empty([B, H], dtype) : null;
    backend().lstmCellBackward(act, cp.data as FloatData, gs.subarray(0, n), gs.subarray(n), B, H,
      dGates.data as FloatData, dCprev ? (dCprev.data as FloatData) : null);
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
  backend().gruCell(x.data as FloatData, p.data as FloatData, hp0.data as FloatData, B, H, out.data as FloatData, act);
  return record('gruCell', [xp, hp, hPrev], out, (grad) => {
    const dXp = empty([B, 3 * H], dtype);
    const dHp = empty([B, 3 * H], dtype);
    const dHprev = hPrev.requiresGrad ? empty([B, H], dtype) : null;
    backend().gruCellBackward(act, p.data as FloatData, hp0.data as FloatData, castRaw(grad, dtype).data as FloatData, B, H,
      dXp.data as FloatData, dHp.data as FloatData, dHprev ? (dHprev.data as FloatData) : null);
    return [castRaw(dXp, xp.dtype), castRaw(dHp, hp.dtype), dHprev ? castRaw(dHprev, hPrev.dtype) : null];
  });
}
