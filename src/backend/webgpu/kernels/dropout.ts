/// <reference types="@webgpu/types" />
/**
 * WGSL dropout with the counter-based mask of DropoutSpec (backend.ts): entry i is kept iff
 * triple32(triple32(i ^ key0) ^ key1) < keep·2³², the same u32 arithmetic as the js reference
 * (backend/js/nn.ts), so the mask is bit-identical to the CPU backends'. The threshold is turned
 * into an integer on the CPU: hash < keep·2³² ⟺ hash ≤ ⌈keep·2³²⌉ − 1 for an integer hash.
 */
import type { DropoutSpec } from '../../backend.js';
import type { GpuRun } from '../run.js';
import { dispatch1d, elementwiseMain, f, storage, u, uniform } from './wgsl.js';

export const TRIPLE32 = `
fn triple32(v: u32) -> u32 {
  var x = v;
  x = x ^ (x >> 17u);
  x = x * 0xed5ad4bbu;
  x = x ^ (x >> 11u);
  x = x * 0xac4c1b51u;
  x = x ^ (x >> 15u);
  x = x * 0x31848babu;
  x = x ^ (x >> 14u);
  return x;
}
`;

function dropoutShader(inPlace: boolean): string {
  const decl = inPlace ? storage(0, 'out', true) : storage(0, 'x') + storage(1, 'out', true);
  return `${decl}${uniform(inPlace ? 1 : 2, [['n', 'u32'], ['key0', 'u32'], ['key1', 'u32'], ['limit', 'u32'], ['scale', 'f32']])}${TRIPLE32}
${elementwiseMain('P.n', `
  let h = triple32(triple32(i ^ P.key0) ^ P.key1);
  let xv = ${inPlace ? 'out[i]' : 'x[i]'};
  out[i] = xv * select(0.0, P.scale, h <= P.limit);
`)}`;
}

/** The largest hash that is kept: ⌈keep·2³²⌉ − 1, clamped to [0, 2³² − 1] (keep in (0, 1]). */
export function dropoutLimit(keep: number): number {
  const t = Math.ceil(keep * 4294967296);
  return Math.min(4294967295, Math.max(0, t - 1));
}

/** out[i] = x[i]·(kept(i) ? scale : 0) over n elements; out may be x (then it runs in place). */
export function dropout(run: GpuRun, x: GPUBuffer, spec: DropoutSpec, out: GPUBuffer, n: number): void {
  const inPlace = x === out;
  dispatch1d(run, dropoutShader(inPlace), inPlace ? [out] : [x, out],
    [u(n), u(spec.key0 >>> 0), u(spec.key1 >>> 0), u(dropoutLimit(spec.keep)), f(spec.scale)], n);
}
