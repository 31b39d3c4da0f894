/// <reference types="@webgpu/types" />
/**
 * The webgpu backend: gradlab's kernels in WGSL on a GPU, from the same code in a browser
 * (navigator.gpu) and in Node (the optional `webgpu` package, Dawn). Device creation is
 * asynchronous, so the backend is made with `await useWebGPU()` (or `await
 * setBackendAsync('webgpu')`); after that the API is the same as on the CPU backends.
 *
 * - Node, and a Worker of a cross-origin isolated page: the device lives in a worker of its own;
 *   tensor reads wait for it synchronously (links.ts).
 * - Browser page: the device lives in the page (direct link): kernels run as on Node, but values
 *   are read with `await tensor.read()` (fit() and evaluate() do it); a synchronous read there is
 *   a WebGpuError that says so.
 */
import type { Backend } from '../backend.js';
import { WebGpuClient, webgpuBackend } from './client.js';
import { DirectLink, WorkerLink, canWaitInBrowser, openDevice } from './links.js';

export { WebGpuClient, WebGpuError, GpuArray } from './client.js';

export type WebGpuBackend = ReturnType<typeof webgpuBackend>;

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Opens a GPU and returns the webgpu backend over it (not yet active: see useWebGPU in
 * backend/index.ts). Throws a WebGpuError naming why when there is no usable GPU here.
 */
export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  if (isNode()) return webgpuBackend(new WebGpuClient(await WorkerLink.start()));
  // In a Worker of a cross-origin isolated page, the device gets its own Worker and reads wait for it.
  if (canWaitInBrowser()) return webgpuBackend(new WebGpuClient(await WorkerLink.startWeb()));
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new Error('webgpu: this browser has no WebGPU (navigator.gpu is missing)');
  const { device, adapter } = await openDevice(gpu);
  return webgpuBackend(new WebGpuClient(new DirectLink(device, adapter)));
}

/** Whether b is a webgpu backend (for describeBackend and tests). */
export function isWebGpu(b: Backend): b is WebGpuBackend {
  return b.name === 'webgpu' && 'client' in b;
}
