/// <reference types="@webgpu/types" />
/**
 * Sliding windows in WGSL: im2col (one thread per unfolded element, zero padding) and its adjoint
 * col2im, written as a gather (one thread per input element summing the window positions that
 * read it, in kernel order), so no two threads write the same address and the sums are
 * deterministic. Layouts as the Primitives contract: [N, C·K, L] or, batchInner, [C·K, N, L].
 */
import type { WindowSpec } from '../../backend.js';
import type { GpuRun } from '../run.js';
import { windowGeometry } from '../../js/nn.js';
import { type GArr, arr, launch, main1d, metaDecl } from './common.js';

function geometry(n: number, c: number, s: WindowSpec, batchInner: boolean): number[] {
  const { ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw } = windowGeometry(s);
  // words 1..: n c ih iw oh ow kh kw sh sw ph pw dh dw batchInner
  return [n, c, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, batchInner ? 1 : 0];
}

const UNPACK = `let N = m[1]; let C = m[2]; let IH = m[3]; let IW = m[4]; let OH = m[5]; let OW = m[6];
  let KH = m[7]; let KW = m[8]; let SH = m[9]; let SW = m[10]; let PH = m[11]; let PW = m[12]; let DH = m[13]; let DW = m[14];
  let BI = m[15] == 1; let L = OH * OW; let KK = KH * KW;`;

export function im2col(run: GpuRun, x: GArr, n: number, c: number, spec: WindowSpec, out: GArr, batchInner = false): void {
  const total = out.length;
  const wgsl = `${arr(0, 'x', 'f32')} ${arr(1, 'o', 'f32', true)} ${metaDecl(2)}
${main1d(`  ${UNPACK}
  let idx = i32(i);
  let l = idx % L;
  var row: i32; var b: i32;
  if (BI) { row = idx / (L * N); b = (idx / L) % N; } else { row = (idx / L) % (C * KK); b = idx / (L * C * KK); }
  let ch = row / KK; let kr = row % KK; let ki = kr / KW; let kj = kr % KW;
  let y = l / OW; let xx = l % OW;
  let iy = y * SH - PH + ki * DH; let ix = xx * SW - PW + kj * DW;
  var v = 0.0;
  if (iy >= 0 && iy < IH && ix >= 0 && ix < IW) { v = x[((b * C + ch) * IH + iy) * IW + ix]; }
  o[i] = v;`)}`;
  launch(run, wgsl, [x.buf, out.buf], [total, ...geometry(n, c, spec, batchInner)], total);
}

export function col2im(run: GpuRun, cols: GArr, n: number, c: number, spec: WindowSpec, out: GArr, batchInner = false): void {
  const total = out.length;
  const wgsl = `${arr(0, 'cols', 'f32')} ${arr(1, 'o', 'f32', true)} ${metaDecl(2)}
${main1d(`  ${UNPACK}
  let idx = i32(i);
  let ix = idx % IW; let iy = (idx / IW) % IH; let ch = (idx / (IW * IH)) % C; let b = idx / (IW * IH * C);
  var acc = o[i];
  for (var ki: i32 = 0; ki < KH; ki++) {
    let ty = iy + PH - ki * DH;
    if (ty < 0 || ty % SH != 0) { continue; }
    let y = ty / SH;
    if (y >= OH) { continue; }
    for (var kj: i32 = 0; kj < KW; kj++) {
      let tx = ix + PW - kj * DW;
      if (tx < 0 || tx % SW != 0) { continue; }
      let xx = tx / SW;
      if (xx >= OW) { continue; }
      let row = ch * KK + ki * KW + kj;
      let l = y * OW + xx;
      var col: i32;
      if (BI) { col = (row * N + b) * L + l; } else { col = (b * C * KK + row) * L + l; }
      acc += cols[col];
    }
  }
  o[i] = acc;`)}`;
  launch(run, wgsl, [cols.buf, out.buf], [total, ...geometry(n, c, spec, batchInner)], total);
}
