/**
 * Fused recurrent cell forwards (f32): one LSTM or GRU time step over batch rows [from, to).
 * Same semantics as src/backend/js/recurrent.ts, gates in PyTorch's order. Rows are processed
 * 4 hidden units at a time; a tail of H mod 4 units goes one at a time (a full vector there
 * would write into the next row, which another thread may own).
 * Parameter block: ints at params + 4·slot.
 */
import { sigmoid4, tanh4 } from './math';

@inline function pi(params: usize, slot: i32): i32 {
  return load<i32>(params + (<usize>slot << 2));
}
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
