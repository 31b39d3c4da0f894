/// <reference types="@webgpu/types" />
/**
 * The dispatch layer of the webgpu backend: what every WGSL kernel of backend/webgpu/kernels
 * is written against. It runs where the GPUDevice lives (a worker in Node; the page or a worker
 * in the browser) and knows nothing of tensors, autograd or the bridge.
 *
 * A kernel is a plain function `(run: GpuRun, buffers…, params…) => void` that records one or
 * more dispatches with `run.dispatch`; nothing is submitted until `run.flush()`.
 *
 * Conventions of every shader:
 * - storage buffers are bound at @group(0) @binding(0..k-1) in the order given to dispatch;
 * - the parameter words, when given, are one uniform buffer bound right after them
 *   (@binding(k)), a struct of u32 / i32 / f32 fields of 4 bytes each, in the order written;
 * - workgroups of 64 (1-d) or 8×8 / 16×16 (2-d); a 1-d grid over n items uses `groups1d(n)`,
 *   which folds more than 65,535 groups into a second dimension (index = id.x + id.y·stride
 *   with stride = 65,535·64; shaders read the stride from `gridStride`).
 */

export const WORKGROUP = 64;
export const MAX_GROUPS = 65535;
/** Items per row of the folded 1-d grid (see groups1d). */
export const gridStride = MAX_GROUPS * WORKGROUP;

/** A 1-d grid over n items: [x, y] workgroup counts, folding into y past 65,535 groups. */
export function groups1d(n: number, perGroup = WORKGROUP): [number, number] {
  const g = Math.max(1, Math.ceil(n / perGroup));
  return g <= MAX_GROUPS ? [g, 1] : [MAX_GROUPS, Math.ceil(g / MAX_GROUPS)];
}

/** Uniform parameter words: each entry a u32 ('u'), i32 ('i') or f32 ('f'). */
export type ParamWord = readonly ['u' | 'i' | 'f', number];

/** Packs parameter words into the bytes of a uniform buffer (padded to 16 bytes). */
export function packParams(words: readonly ParamWord[]): ArrayBuffer {
  const bytes = new ArrayBuffer(Math.max(16, Math.ceil((words.length * 4) / 16) * 16));
  const view = new DataView(bytes);
  words.forEach(([kind, v], i) => {
    if (kind === 'f') view.setFloat32(i * 4, v, true);
    else if (kind === 'i') view.setInt32(i * 4, v, true);
    else view.setUint32(i * 4, v >>> 0, true);
  });
  return bytes;
}

export class GpuRun {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private encoder: GPUCommandEncoder | null = null;
  private temps: GPUBuffer[] = [];
  /** Dispatches recorded since the last flush. */
  pending = 0;

  constructor(readonly device: GPUDevice) {}

  /** The compute pipeline of a WGSL source (entry point `main`), compiled once and cached. */
  pipeline(wgsl: string, entry = 'main'): GPUComputePipeline {
    const key = `${entry}\u0000${wgsl}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ code: wgsl });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: entry } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  private enc(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  /**
   * Records one dispatch of `wgsl` over `groups` workgroups with `buffers` bound in order and,
   * when `params` is given, a uniform buffer of those words bound after them.
   */
  dispatch(wgsl: string, buffers: readonly GPUBuffer[], params: readonly ParamWord[] | null,
    groups: readonly [number, number?, number?], entry = 'main'): void {
    const pipe = this.pipeline(wgsl, entry);
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    if (params) {
      const bytes = packParams(params);
      const u = this.temp(bytes.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      this.device.queue.writeBuffer(u, 0, bytes);
      entries.push({ binding: buffers.length, resource: { buffer: u } });
    }
    const bind = this.device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries });
    const pass = this.enc().beginComputePass();
    pass.setPipeline(pipe);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
    pass.end();
    this.pending++;
  }

  /** Records a buffer-to-buffer copy (bytes; offsets and size multiples of 4). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (bytes > 0) this.enc().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** A storage buffer of at least `bytes` bytes destroyed after the next flush (kernel scratch). */
  temp(bytes: number, usage: number = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST): GPUBuffer {
    const b = this.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 4) * 4), usage });
    this.temps.push(b);
    return b;
  }

  /** Submits what was recorded and releases the scratch buffers of those dispatches. */
  flush(): void {
    if (this.encoder) {
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
    }
    for (const b of this.temps) b.destroy();
    this.temps = [];
    this.pending = 0;
  }
}
