/// <reference types="@webgpu/types" />
/**
 * WGSL fused recurrent cells, one invocation per (batch row, hidden unit): an LSTM or GRU time
 * step forward, saving the activations, and its backward from them (FusedKernels in backend.ts;
 * reference backend/js/recurrent.ts). Gates are laid out as PyTorch stacks them: [i | f | g | o]
 * per LSTM row, [r | z | n] per GRU row.
 */
import type { GpuRun } from '../run.js';
import { SCALAR, dispatch1d, elementwiseMain, storage, u, uniform } from './wgsl.js';

const INDEX = `
  let H = P.hidden;
  let b = i / H;
  let j = i - b * H;
`;

const LSTM = `${storage(0, 'gates')}${storage(1, 'cPrev')}${storage(2, 'c', true)}${storage(3, 'h', true)}${storage(4, 'act', true)}${uniform(5, [['total', 'u32'], ['hidden', 'u32']])}${SCALAR}
${elementwiseMain('P.total', `${INDEX}
  let g0 = b * 4u * H + j;
  let a0 = b * 5u * H + j;
  let ig = sigmoid(gates[g0]);
  let fg = sigmoid(gates[g0 + H]);
  let gg = tanhSafe(gates[g0 + 2u * H]);
  let og = sigmoid(gates[g0 + 3u * H]);
  let cc = fg * cPrev[i] + ig * gg;
  let tc = tanhSafe(cc);
  c[i] = cc;
  h[i] = og * tc;
  act[a0] = ig;
  act[a0 + H] = fg;
  act[a0 + 2u * H] = gg;
  act[a0 + 3u * H] = og;
  act[a0 + 4u * H] = tc;
`)}`;

/** LSTM step: c, h [B, H] from gates [B, 4H] and cPrev; act [B, 5H] saves i, f, g, o, tanh(c). */
export function lstmCell(run: GpuRun, gates: GPUBuffer, cPrev: GPUBuffer, batch: number, hidden: number, c: GPUBuffer, h: GPUBuffer, act: GPUBuffer): void {
  dispatch1d(run, LSTM, [gates, cPrev, c, h, act], [u(batch * hidden), u(hidden)], batch * hidden);
}

function lstmBackwardShader(hasDh: boolean, hasDc: boolean, hasDcPrev: boolean): string {
  let k = 2;
  const decl = storage(0, 'act') + storage(1, 'cPrev') + (hasDh ? storage(k++, 'dh') : '') + (hasDc ? storage(k++, 'dc') : '')
    + storage(k++, 'dGates', true) + (hasDcPrev ? storage(k++, 'dCprev', true) : '');
  return `${decl}${uniform(k, [['total', 'u32'], ['hidden', 'u32']])}
${elementwiseMain('P.total', `${INDEX}
  let g0 = b * 4u * H + j;
  let a0 = b * 5u * H + j;
  let ig = act[a0];
  let fg = act[a0 + H];
  let gg = act[a0 + 2u * H];
  let og = act[a0 + 3u * H];
  let tc = act[a0 + 4u * H];
  let gh = ${hasDh ? 'dh[i]' : '0.0'};
  let dct = ${hasDc ? 'dc[i]' : '0.0'} + gh * og * (1.0 - tc * tc);
  dGates[g0] = dct * gg * ig * (1.0 - ig);
  dGates[g0 + H] = dct * cPrev[i] * fg * (1.0 - fg);
  dGates[g0 + 2u * H] = dct * ig * (1.0 - gg * gg);
  dGates[g0 + 3u * H] = gh * tc * og * (1.0 - og);
  ${hasDcPrev ? 'dCprev[i] = dct * fg;' : ''}
`)}`;
}

/** Backward of lstmCell given dh and/or dc (null = zero): dGates [B, 4H] and, unless null, dCprev [B, H]. */
export function lstmCellBackward(run: GpuRun, act: GPUBuffer, cPrev: GPUBuffer, dh: GPUBuffer | null, dc: GPUBuffer | null, batch: number, hidden: number,
  dGates: GPUBuffer, dCprev: GPUBuffer | null): void {
  const bufs = [act, cPrev, ...(dh ? [dh] : []), ...(dc ? [dc] : []), dGates, ...(dCprev ? [dCprev] : [])];
  dispatch1d(run, lstmBackwardShader(dh !== null, dc !== null, dCprev !== null), bufs, [u(batch * hidden), u(hidden)], batch * hidden);
}

const GRU = `${storage(0, 'xp')}${storage(1, 'hp')}${storage(2, 'hPrev')}${storage(3, 'h', true)}${storage(4, 'act', true)}${uniform(5, [['total', 'u32'], ['hidden', 'u32']])}${SCALAR}
${elementwiseMain('P.total', `${INDEX}
  let g0 = b * 3u * H + j;
  let r = sigmoid(xp[g0] + hp[g0]);
  let z = sigmoid(xp[g0 + H] + hp[g0 + H]);
  let nn = tanhSafe(xp[g0 + 2u * H] + r * hp[g0 + 2u * H]);
  h[i] = (1.0 - z) * nn + z * hPrev[i];
  act[g0] = r;
  act[g0 + H] = z;
  act[g0 + 2u * H] = nn;
`)}`;

/** GRU step: h [B, H] from xp, hp [B, 3H] and hPrev; act [B, 3H] saves r, z, n. */
export function gruCell(run: GpuRun, xp: GPUBuffer, hp: GPUBuffer, hPrev: GPUBuffer, batch: number, hidden: number, h: GPUBuffer, act: GPUBuffer): void {
  dispatch1d(run, GRU, [xp, hp, hPrev, h, act], [u(batch * hidden), u(hidden)], batch * hidden);
}

function gruBackwardShader(hasDhPrev: boolean): string {
  return `${storage(0, 'act')}${storage(1, 'hp')}${storage(2, 'hPrev')}${storage(3, 'dh')}${storage(4, 'dXp', true)}${storage(5, 'dHp', true)}${hasDhPrev ? storage(6, 'dHprev', true) : ''}${uniform(hasDhPrev ? 7 : 6, [['total', 'u32'], ['hidden', 'u32']])}
${elementwiseMain('P.total', `${INDEX}
  let g0 = b * 3u * H + j;
  let r = act[g0];
  let z = act[g0 + H];
  let nn = act[g0 + 2u * H];
  let d = dh[i];
  let dn = d * (1.0 - z) * (1.0 - nn * nn);
  let dr = dn * hp[g0 + 2u * H] * r * (1.0 - r);
  let dz = d * (hPrev[i] - nn) * z * (1.0 - z);
  dXp[g0] = dr;
  dHp[g0] = dr;
  dXp[g0 + H] = dz;
  dHp[g0 + H] = dz;
  dXp[g0 + 2u * H] = dn;
  dHp[g0 + 2u * H] = dn * r;
  ${hasDhPrev ? 'dHprev[i] = d * z;' : ''}
`)}`;
}

/** Backward of gruCell: dXp, dHp [B, 3H] and, unless null, dHprev = dh⊙z (the direct path). */
export function gruCellBackward(run: GpuRun, act: GPUBuffer, hp: GPUBuffer, hPrev: GPUBuffer, dh: GPUBuffer, batch: number, hidden: number,
  dXp: GPUBuffer, dHp: GPUBuffer, dHprev: GPUBuffer | null): void {
  const bufs = [act, hp, hPrev, dh, dXp, dHp, ...(dHprev ? [dHprev] : [])];
  dispatch1d(run, gruBackwardShader(dHprev !== null), bufs, [u(batch * hidden), u(hidden)], batch * hidden);
}
