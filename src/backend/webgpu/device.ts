/// <reference types="@webgpu/types" />
/**
 * The device side of the webgpu backend: it owns the GPUDevice, the table of buffers (by id) and
 * runs the commands the client (client.ts) sends — allocate, write, free, run a kernel, read.
 * It runs in a worker (Node, or a browser Worker) behind the synchronous bridge, or in the page
 * itself (direct mode). Kernels are the WGSL primitives (kernels/*) and the fused group
 * (kernels/fused.ts); a kernel is called with its array arguments resolved to device arrays
 * (primitives: GArr with type and length; fused: the GPUBuffer).
 *
 * An input argument that is also an output of the same call (x and out the same array, as the
 * Primitives contract allows) is copied to a scratch buffer first: WebGPU does not bind one
 * buffer as read-only and writable storage in one dispatch.
 */
import { GpuRun } from './run.js';
import type { GArr, GType } from './kernels/common.js';
import * as ew from './kernels/elementwise.js';
import * as red from './kernels/reduce.js';
import * as lay from './kernels/layout.js';
import * as win from './kernels/window.js';
import { matmul } from './kernels/matmul.js';
import * as fused from './kernels/fused.js';

import { type Command, OUTPUTS, type Token, type ViewToken } from './protocol.js';

export type { Command, Token };
export { OUTPUTS };

type Prim = (run: GpuRun, ...args: never[]) => void;
const PRIMITIVES: Record<string, Prim> = {
  unary: ew.unary, leakyRelu: ew.leakyRelu, clamp: ew.clamp, binary: ew.binary, where: ew.where, cast: ew.cast, fill: ew.fill,
  reduce: red.reduce, argReduce: red.argReduce, matmul, permute: lay.permute, sliceCopy: lay.sliceCopy, sliceAdd: lay.sliceAdd,
  gather: lay.gather, scatterAdd: lay.scatterAdd, indexSelect: lay.indexSelect, indexAdd: lay.indexAdd,
  im2col: win.im2col, col2im: win.col2im,
} as unknown as Record<string, Prim>;

/** The fused kernels the device brings (the rest are composed by the client from primitives). */
export const FUSED: Record<string, Prim> = Object.fromEntries(
  Object.entries(fused).filter(([, f]) => typeof f === 'function'),
) as Record<string, Prim>;

const BYTES = 4;

export class DeviceSide {
  readonly run: GpuRun;
  private readonly bufs = new Map<number, GArr>();
  private dying: GPUBuffer[] = [];
  private error: string | null = null;

  constructor(readonly device: GPUDevice) {
    this.run = new GpuRun(device);
    device.addEventListener('uncapturederror', (e) => {
      this.fail(`device error: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
  }

  private fail(message: string): void {
    this.error ??= message;
  }

  /** The first error since the last call (and clears it). */
  takeError(): string | null {
    const e = this.error;
    this.error = null;
    return e;
  }

  /** Live device arrays (what the memory test counts). */
  get live(): number {
    return this.bufs.size;
  }

  private create(id: number, dtype: 'float32' | 'int32', n: number): GArr {
    const buf = this.device.createBuffer({
      size: Math.max(16, Math.ceil((n * BYTES) / 16) * 16),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const g: GArr = { buf, dtype: dtype === 'int32' ? 'i32' : 'f32', length: n };
    this.bufs.set(id, g);
    return g;
  }

  /** Runs one command (all but 'read', which is readBytes). */
  exec(c: Command): void {
    try {
      if (c.t === 'alloc') this.create(c.id, c.dtype, c.n);
      else if (c.t === 'write') {
        const g = this.bufs.get(c.id) ?? this.create(c.id, c.dtype, c.data.length);
        if (this.run.pending > 0) this.run.flush();
        if (c.data.length > 0) this.device.queue.writeBuffer(g.buf, (c.at ?? 0) * BYTES, c.data.buffer, c.data.byteOffset, c.data.byteLength);
      } else if (c.t === 'copy') {
        this.run.copy(this.get(c.src).buf, c.srcAt * BYTES, this.get(c.dst).buf, c.dstAt * BYTES, c.n * BYTES);
      } else if (c.t === 'free') {
        for (const id of c.ids) {
          const g = this.bufs.get(id);
          if (!g) continue;
          this.bufs.delete(id);
          this.dying.push(g.buf);
        }
        if (this.dying.length > 256) this.flush();
      } else if (c.t === 'k') this.kernel(c.name, c.args);
    } catch (e) {
      this.fail(`${c.t === 'k' ? `kernel ${c.name}` : c.t}: ${(e as Error).message}`);
    }
  }

  private get(id: number): GArr {
    const g = this.bufs.get(id);
    if (!g) throw new Error(`no device array #${id} (freed or never allocated)`);
    return g;
  }

  private kernel(name: string, args: unknown[]): void {
    const prim: Prim | undefined = PRIMITIVES[name];
    const fn: Prim | undefined = prim ?? FUSED[name];
    if (fn === undefined) throw new Error(`unknown kernel '${name}'`);
    const outs = OUTPUTS[name] ?? [];
    const outIds = new Set(outs.map((i) => (args[i] as Token | null)?.$g).filter((v) => v !== undefined));
    const writeBack: [GArr, GArr, number][] = [];
    const resolve = (v: unknown, top: number): unknown => {
      if (v === null || typeof v !== 'object') return v;
      if ('$v' in (v as object)) {
        // A window of an array: the kernel sees a scratch copy, written back after it when it is an output.
        const { $v, o, n } = v as ViewToken;
        const base = this.get($v);
        const copy: GArr = { buf: this.run.temp(n * BYTES), dtype: base.dtype, length: n };
        this.run.copy(base.buf, o * BYTES, copy.buf, 0, n * BYTES);
        if (outs.includes(top)) writeBack.push([copy, base, o]);
        return prim !== undefined ? copy : copy.buf;
      }
      if ('$g' in (v as object)) {
        let g = this.get((v as Token).$g);
        if (top >= 0 && !outs.includes(top) && outIds.has((v as Token).$g)) {
          const copy = this.run.temp(g.length * BYTES);
          this.run.copy(g.buf, 0, copy, 0, g.length * BYTES);
          g = { buf: copy, dtype: g.dtype, length: g.length };
        }
        return prim !== undefined ? g : g.buf;
      }
      if (Array.isArray(v)) return v.map((x) => resolve(x, -1));
      return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, resolve(x, -1)]));
    };
    const resolved = args.map((a, i) => resolve(a, i));
    if (prim === undefined) addLengths(name, args, resolved, (id) => this.get(id).length);
    (fn as (run: GpuRun, ...a: unknown[]) => void)(this.run, ...resolved);
    for (const [copy, base, o] of writeBack) this.run.copy(copy.buf, 0, base.buf, o * BYTES, copy.length * BYTES);
    if (this.run.pending >= 64) this.flush();
  }

  /** Submits what was recorded and destroys the buffers freed since. */
  flush(): void {
    this.run.flush();
    for (const b of this.dying) b.destroy();
    this.dying = [];
  }

  /** The bytes of array `id` (all recorded work submitted first). */
  async readBytes(id: number): Promise<ArrayBuffer> {
    const g = this.get(id);
    const bytes = g.length * BYTES;
    this.flush();
    if (bytes === 0) return new ArrayBuffer(0);
    const staging = this.device.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(g.buf, 0, staging, 0, Math.ceil(bytes / 4) * 4);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    staging.destroy();
    return out;
  }

  /** Waits until the device has finished what was submitted. */
  async idle(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }
}

/**
 * The fused kernels whose CPU signature reads a length off an array take it as a trailing
 * argument (dropout, sgdStep, adamStep) or as an `n` field of each list entry (sgdSteps, adamSteps).
 */
function addLengths(name: string, args: unknown[], resolved: unknown[], len: (id: number) => number): void {
  const first = (v: unknown): number => len((v as Token).$g);
  if (name === 'dropout' || name === 'sgdStep' || name === 'adamStep') resolved.push(first(args[0]));
  else if (name === 'sgdSteps' || name === 'adamSteps') {
    const list = resolved[0] as Record<string, unknown>[];
    (args[0] as Record<string, unknown>[]).forEach((e, i) => { list[i].n = first(e.param); });
  }
}

/** The element type of a dtype on the device. */
export function gtype(dtype: 'float32' | 'int32'): GType {
  return dtype === 'int32' ? 'i32' : 'f32';
}
