/**
 * Fused recurrent cells (f32): one LSTM or GRU time step over batch rows [from, to), and the
 * LSTM step's backward.
 * Same semantics as src/backend/js/recurrent.ts, gates in PyTorch's order. Rows are processed
 * 4 hidden units at a time; a tail of H mod 4 units goes one at a time (a full vector there
 * would write into the next row, which another thread may own).
 * Parameter block: ints at params + 4·slot.
 */
import { pi } from './params';
import { sigmoid4, tanh4 } from './math';

/** 4 floats at p, or the one float at p in every lane. */
@inline function ld(p: usize, vec: bool): v128 {
  return vec ? v128.load(p) : f32x4.splat(load<f32>(p));
}
/** Stores 4 floats at p, or lane 0 only. */
@inline function st(p: usize, v: v128, vec: bool): void {
  if (vec) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

/** Units at byte offset o of one LSTM row; hb = bytes per gate (4·H). */
@inline function lstmAt(g: usize, cp: usize, c: usize, h: usize, a: usize, hb: usize, o: usize, vec: bool): void {
  const i = sigmoid4(ld(g + o, vec));
  const f = sigmoid4(ld(g + hb + o, vec));
  const gg = tanh4(ld(g + 2 * hb + o, vec));
  const og = sigmoid4(ld(g + 3 * hb + o, vec));
  const cc = f32x4.add(f32x4.mul(f, ld(cp + o, vec)), f32x4.mul(i, gg));
  const tc = tanh4(cc);
  st(c + o, cc, vec);
  st(h + o, f32x4.mul(og, tc), vec);
  st(a + o, i, vec);
  st(a + hb + o, f, vec);
  st(a + 2 * hb + o, gg, vec);
  st(a + 3 * hb + o, og, vec);
  st(a + 4 * hb + o, tc, vec);
}

/** LSTM cell over batch rows [from, to). Ints: gates [B,4H], cPrev, c, h [B,H], act [B,5H], H. */
export function lstmCellRows(from: i32, to: i32, tid: i32, params: usize): void {
  const gates = <usize>pi(params, 0);
  const cPrev = <usize>pi(params, 1);
  const c = <usize>pi(params, 2);
  const h = <usize>pi(params, 3);
  const act = <usize>pi(params, 4);
  const H = pi(params, 5);
  const hb = <usize>H << 2;
  for (let b = from; b < to; b++) {
    const row = <usize>b * hb;
    const g = gates + 4 * row;
    const a = act + 5 * row;
    let j = 0;
    for (; j + 4 <= H; j += 4) lstmAt(g, cPrev + row, c + row, h + row, a, hb, <usize>j << 2, true);
    for (; j < H; j++) lstmAt(g, cPrev + row, c + row, h + row, a, hb, <usize>j << 2, false);
  }
}

/** Backward units at byte offset o of one LSTM row (see lstmCellBackward in backend.ts). */
@inline function lstmBackAt(a: usize, cp: usize, dh: usize, dc: usize, dg: usize, dcp: usize, hb: usize, o: usize,
  hasDh: bool, hasDc: bool, hasDcp: bool, vec: bool): void {
  const one = f32x4.splat(1);
  const i = ld(a + o, vec);
  const f = ld(a + hb + o, vec);
  const g = ld(a + 2 * hb + o, vec);
  const og = ld(a + 3 * hb + o, vec);
  const tc = ld(a + 4 * hb + o, vec);
  const gh = hasDh ? ld(dh + o, vec) : f32x4.splat(0);
  let dct = f32x4.mul(f32x4.mul(gh, og), f32x4.sub(one, f32x4.mul(tc, tc)));
  if (hasDc) dct = f32x4.add(ld(dc + o, vec), dct);
  st(dg + o, f32x4.mul(f32x4.mul(dct, g), f32x4.mul(i, f32x4.sub(one, i))), vec);
  st(dg + hb + o, f32x4.mul(f32x4.mul(dct, ld(cp + o, vec)), f32x4.mul(f, f32x4.sub(one, f))), vec);
  st(dg + 2 * hb + o, f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(g, g))), vec);
  st(dg + 3 * hb + o, f32x4.mul(f32x4.mul(gh, tc), f32x4.mul(og, f32x4.sub(one, og))), vec);
  if (hasDcp) st(dcp + o, f32x4.mul(dct, f), vec);
}

/**
 * LSTM cell backward over batch rows [from, to). Ints: act [B,5H], cPrev, dh, dc [B,H],
 * dGates [B,4H], dCprev [B,H], H, hasDh, hasDc, hasDcPrev (0/1; absent arrays are never read).
 */
export function lstmCellBackwardRows(from: i32, to: i32, tid: i32, params: usize): void {
  const act = <usize>pi(params, 0);
  const cPrev = <usize>pi(params, 1);
  const dh = <usize>pi(params, 2);
  const dc = <usize>pi(params, 3);
  const dGates = <usize>pi(params, 4);
  const dCprev = <usize>pi(params, 5);
  const H = pi(params, 6);
  const hasDh = pi(params, 7) != 0;
  const hasDc = pi(params, 8) != 0;
  const hasDcp = pi(params, 9) != 0;
  const hb = <usize>H << 2;
  for (let b = from; b < to; b++) {
    const row = <usize>b * hb;
    const a = act + 5 * row;
    const dg = dGates + 4 * row;
    let j = 0;
    // NOTE: one loop per case of the flags, so that the vector loop has no branches.
    if (hasDh && hasDc && hasDcp) {
      for (; j + 4 <= H; j += 4) lstmBackAt(a, cPrev + row, dh + row, dc + row, dg, dCprev + row, hb, <usize>j << 2, true, true, true, true);
    } else {
      for (; j + 4 <= H; j += 4) lstmBackAt(a, cPrev + row, dh + row, dc + row, dg, dCprev + row, hb, <usize>j << 2, hasDh, hasDc, hasDcp, true);
    }
    for (; j < H; j++) lstmBackAt(a, cPrev + row, dh + row, dc + row, dg, dCprev + row, hb, <usize>j << 2, hasDh, hasDc, hasDcp, false);
  }
}

/** Units at byte offset o of one GRU row; hb = bytes per gate (4·H). */
@inline function gruAt(xp: usize, hp: usize, hPrev: usize, h: usize, a: usize, hb: usize, o: usize, vec: bool): void {
  const r = sigmoid4(f32x4.add(ld(xp + o, vec), ld(hp + o, vec)));
  const z = sigmoid4(f32x4.add(ld(xp + hb + o, vec), ld(hp + hb + o, vec)));
  const n = tanh4(f32x4.add(ld(xp + 2 * hb + o, vec), f32x4.mul(r, ld(hp + 2 * hb + o, vec))));
  st(h + o, f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1), z), n), f32x4.mul(z, ld(hPrev + o, vec))), vec);
  st(a + o, r, vec);
  st(a + hb + o, z, vec);
  st(a + 2 * hb + o, n, vec);
}

/** GRU cell over batch rows [from, to). Ints: xp [B,3H], hp [B,3H], hPrev, h [B,H], act [B,3H], H. */
export function gruCellRows(from: i32, to: i32, tid: i32, params: usize): void {
  const xp = <usize>pi(params, 0);
  const hp = <usize>pi(params, 1);
  const hPrev = <usize>pi(params, 2);
  const h = <usize>pi(params, 3);
  const act = <usize>pi(params, 4);
  const H = pi(params, 5);
  const hb = <usize>H << 2;
  for (let b = from; b < to; b++) {
    const row = <usize>b * hb;
    const g: usize = 3 * row;
    let j = 0;
    for (; j + 4 <= H; j += 4) gruAt(xp + g, hp + g, hPrev + row, h + row, act + g, hb, <usize>j << 2, true);
    for (; j < H; j++) gruAt(xp + g, hp + g, hPrev + row, h + row, act + g, hb, <usize>j << 2, false);
  }
}
