/**
 * Reference fused recurrent cells: one LSTM or GRU time step over a batch in a single pass,
 * forward and backward (the formulas are in backend.ts). Rows are laid out as PyTorch stacks
 * gates: row b of an LSTM's gates is [i | f | g | o], each of length H; a GRU's is [r | z | n].
 * The forward saves the activations in `act` so the backward is plain arithmetic.
 */
import type { FloatData } from '../backend.js';

/** σ(x), stable for large |x| (the js `sigmoid` unary). */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function lstmCell(gates: FloatData, cPrev: FloatData, batch: number, hidden: number, c: FloatData, h: FloatData, act: FloatData): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = b * 4 * H;
    const a0 = b * 5 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gates[g0 + j]);
      const f = sigmoid(gates[g0 + H + j]);
      const g = Math.tanh(gates[g0 + 2 * H + j]);
      const o = sigmoid(gates[g0 + 3 * H + j]);
      const cc = f * cPrev[s0 + j] + i * g;
      c[s0 + j] = cc;
      // Rounded to c's type first, so that act and h agree with c as stored.
      const tc = Math.tanh(c[s0 + j]);
      h[s0 + j] = o * tc;
      act[a0 + j] = i;
      act[a0 + H + j] = f;
      act[a0 + 2 * H + j] = g;
      act[a0 + 3 * H + j] = o;
      act[a0 + 4 * H + j] = tc;
    }
  }
}

export function lstmCellBackward(act: FloatData, cPrev: FloatData, dh: FloatData | null, dc: FloatData | null, batch: number, hidden: number,
  dGates: FloatData, dCprev: FloatData | null): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = b * 4 * H;
    const a0 = b * 5 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const i = act[a0 + j];
      const f = act[a0 + H + j];
      const g = act[a0 + 2 * H + j];
      const o = act[a0 + 3 * H + j];
      const tc = act[a0 + 4 * H + j];
      const gh = dh ? dh[s0 + j] : 0;
      const dct = (dc ? dc[s0 + j] : 0) + gh * o * (1 - tc * tc);
      dGates[g0 + j] = dct * g * i * (1 - i);
      dGates[g0 + H + j] = dct * cPrev[s0 + j] * f * (1 - f);
      dGates[g0 + 2 * H + j] = dct * i * (1 - g * g);
      dGates[g0 + 3 * H + j] = gh * tc * o * (1 - o);
      if (dCprev) dCprev[s0 + j] = dct * f;
    }
  }
}

export function gruCell(xp: FloatData, hp: FloatData, hPrev: FloatData, batch: number, hidden: number, h: FloatData, act: FloatData): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = b * 3 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(xp[g0 + j] + hp[g0 + j]);
      const z = sigmoid(xp[g0 + H + j] + hp[g0 + H + j]);
      const n = Math.tanh(xp[g0 + 2 * H + j] + r * hp[g0 + 2 * H + j]);
      h[s0 + j] = (1 - z) * n + z * hPrev[s0 + j];
      act[g0 + j] = r;
      act[g0 + H + j] = z;
      act[g0 + 2 * H + j] = n;
    }
  }
}

export function gruCellBackward(act: FloatData, hp: FloatData, hPrev: FloatData, dh: FloatData, batch: number, hidden: number,
  dXp: FloatData, dHp: FloatData, dHprev: FloatData | null): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = b * 3 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const r = act[g0 + j];
      const z = act[g0 + H + j];
      const n = act[g0 + 2 * H + j];
      const d = dh[s0 + j];
      const dn = d * (1 - z) * (1 - n * n);
      const dr = dn * hp[g0 + 2 * H + j] * r * (1 - r);
      const dz = d * (hPrev[s0 + j] - n) * z * (1 - z);
      dXp[g0 + j] = dr;
      dHp[g0 + j] = dr;
      dXp[g0 + H + j] = dz;
      dHp[g0 + H + j] = dz;
      dXp[g0 + 2 * H + j] = dn;
      dHp[g0 + 2 * H + j] = dn * r;
      if (dHprev) dHprev[s0 + j] = d * z;
    }
  }
}
