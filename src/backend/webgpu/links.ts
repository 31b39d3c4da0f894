/// <reference types="@webgpu/types" />
/**
 * The two ways the client reaches the device (client.ts, Link):
 * - the worker link: the GPUDevice lives in a worker (Node: worker_threads, reached through
 *   process.getBuiltinModule so this file imports no Node built-in); commands are posted, and a
 *   read waits with Atomics.wait on a SharedArrayBuffer that the worker fills after mapAsync. The
 *   tensor API stays synchronous.
 * - the direct link: the device lives in this thread (a browser page). Commands run at once;
 *   reads are asynchronous only (`await tensor.read()`): a synchronous read is a WebGpuError that
 *   says so, since a page's main thread may not wait.
 */
import type { Command } from './device.js';
import { DeviceSide } from './device.js';
import { type Link, WebGpuError } from './client.js';

/** The messages of the worker link. */
export interface WorkerRequest {
  cmds: Command[];
  /** Array to read (-1: only wait for the device and report the live buffer count). */
  read?: number;
  /** [state (0 pending, 1 done, 2 error), byte count, …bytes]. */
  sab?: SharedArrayBuffer;
}
export type WorkerReady = { ready: true; adapter: string } | { ready: false; error: string };

/** Runs one request on the device side: what the worker does with each message. */
export async function serve(side: DeviceSide, req: WorkerRequest): Promise<void> {
  for (const c of req.cmds) side.exec(c);
  if (req.read === undefined || !req.sab) return;
  const head = new Int32Array(req.sab, 0, 2);
  const body = new Uint8Array(req.sab, 8);
  let state = 1;
  try {
    const err = side.takeError();
    if (err) throw new Error(err);
    let bytes: Uint8Array;
    if (req.read < 0) {
      await side.idle();
      bytes = new Uint8Array(Int32Array.of(side.live).buffer);
    } else bytes = new Uint8Array(await side.readBytes(req.read));
    const err2 = side.takeError();
    if (err2) throw new Error(err2);
    body.set(bytes);
    head[1] = bytes.length;
  } catch (e) {
    const msg = new TextEncoder().encode((e as Error).message).subarray(0, body.length);
    body.set(msg);
    head[1] = msg.length;
    state = 2;
  }
  Atomics.store(head, 0, state);
  Atomics.notify(head, 0);
}

interface NodeWorker {
  postMessage(m: unknown): void;
  once(ev: 'message' | 'error' | 'exit', f: (v: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
interface NodeWorkerThreads { Worker: new (url: URL, opts?: { execArgv?: string[] }) => NodeWorker }

function nodeWorkers(): NodeWorkerThreads | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof p?.getBuiltinModule === 'function' ? (p.getBuiltinModule('node:worker_threads') as NodeWorkerThreads) : null;
}

/** Seconds a synchronous read waits for the device before it fails. */
const READ_TIMEOUT_S = 600;

/** The part of a worker the link uses (Node's worker_threads Worker or a browser Worker). */
interface AnyWorker { postMessage(m: unknown): void }
interface WebWorker extends AnyWorker {
  addEventListener(ev: 'message' | 'error', f: (e: { data?: unknown; message?: string }) => void, o?: { once: boolean }): void;
  terminate(): void;
}
type WebWorkerCtor = new (url: URL, opts: { type: 'module'; name?: string }) => WebWorker;

/** Whether this thread may wait (Atomics.wait): a browser Worker of a cross-origin isolated page. */
export function canWaitInBrowser(): boolean {
  const g = globalThis as { WorkerGlobalScope?: unknown; crossOriginIsolated?: boolean; Worker?: unknown };
  return g.WorkerGlobalScope !== undefined && g.crossOriginIsolated === true && typeof g.Worker === 'function';
}

export class WorkerLink implements Link {
  private constructor(private readonly worker: AnyWorker, readonly adapter: string) {}

  /**
   * Starts the browser Worker that owns the device (from a Worker of a cross-origin isolated
   * page, where this thread may wait for it).
   */
  static async startWeb(): Promise<WorkerLink> {
    const W = (globalThis as { Worker?: WebWorkerCtor }).Worker;
    if (typeof W !== 'function') throw new WebGpuError('webgpu: no Worker here');
    const worker = new W(new URL('./web-worker.js', import.meta.url), { type: 'module', name: 'gradlab-webgpu' });
    const ready = await new Promise<WorkerReady>((resolve) => {
      worker.addEventListener('message', (e) => resolve(e.data as WorkerReady), { once: true });
      worker.addEventListener('error', (e) => resolve({ ready: false, error: `the device worker failed: ${e.message ?? 'error'}` }), { once: true });
    });
    if (!ready.ready) {
      worker.terminate();
      throw new WebGpuError(ready.error);
    }
    return new WorkerLink(worker, ready.adapter);
  }

  /** Starts the Node worker that owns the device; an error naming why when there is none. */
  static async start(): Promise<WorkerLink> {
    const wt = nodeWorkers();
    if (!wt) throw new WebGpuError('webgpu: no worker_threads here (this link is for Node)');
    const worker = new wt.Worker(new URL('./node-worker.js', import.meta.url), { execArgv: [] });
    const ready = await new Promise<WorkerReady>((resolve) => {
      worker.once('message', (m) => resolve(m as WorkerReady));
      worker.once('error', (e) => resolve({ ready: false, error: (e as Error).message }));
      worker.once('exit', (code) => resolve({ ready: false, error: `the device worker exited (code ${String(code)})` }));
    });
    if (!ready.ready) {
      await worker.terminate();
      throw new WebGpuError(ready.error);
    }
    worker.unref();
    return new WorkerLink(worker, ready.adapter);
  }

  send(cmds: Command[]): void {
    this.worker.postMessage({ cmds } satisfies WorkerRequest);
  }

  private request(read: number, bytes: number): ArrayBuffer {
    const sab = new SharedArrayBuffer(8 + Math.max(bytes, 4096));
    const head = new Int32Array(sab, 0, 2);
    this.worker.postMessage({ cmds: [], read, sab } satisfies WorkerRequest);
    const r = Atomics.wait(head, 0, 0, READ_TIMEOUT_S * 1000);
    if (r === 'timed-out') throw new WebGpuError(`webgpu: the device did not answer a read within ${READ_TIMEOUT_S} s`);
    const n = head[1];
    const out = new Uint8Array(sab, 8, n).slice();
    if (head[0] === 2) throw new WebGpuError(`webgpu: ${new TextDecoder().decode(out)}`);
    return out.buffer;
  }

  readSync(id: number, bytes: number): ArrayBuffer {
    return this.request(id, bytes);
  }

  async readAsync(id: number, bytes: number): Promise<ArrayBuffer> {
    return this.readSync(id, bytes);
  }

  async liveBuffers(): Promise<number> {
    return new Int32Array(this.request(-1, 4))[0];
  }
}

export class DirectLink implements Link {
  readonly side: DeviceSide;
  constructor(device: GPUDevice, readonly adapter: string) {
    this.side = new DeviceSide(device);
  }

  send(cmds: Command[]): void {
    for (const c of cmds) this.side.exec(c);
  }

  readSync(): ArrayBuffer {
    throw new WebGpuError('webgpu: reading tensor values synchronously needs a worker (a page\'s main thread cannot wait for the GPU): '
      + 'await tensor.read() first (fit() and evaluate() do), or run gradlab in a Worker');
  }

  async readAsync(id: number): Promise<ArrayBuffer> {
    const err = this.side.takeError();
    if (err) throw new WebGpuError(`webgpu: ${err}`);
    const bytes = await this.side.readBytes(id);
    const err2 = this.side.takeError();
    if (err2) throw new WebGpuError(`webgpu: ${err2}`);
    return bytes;
  }

  async liveBuffers(): Promise<number> {
    await this.side.idle();
    return this.side.live;
  }
}

/** The adapter of navigator.gpu / a GPU object, and its device with the adapter's largest buffer limits. */
export async function openDevice(gpu: GPU): Promise<{ device: GPUDevice; adapter: string }> {
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new WebGpuError('webgpu: no GPU adapter found');
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(l.maxStorageBuffersPerShaderStage, 10),
    },
  });
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' ');
  return { device, adapter: name || 'unknown adapter' };
}
