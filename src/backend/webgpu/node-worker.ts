/// <reference types="@webgpu/types" />
/**
 * The Node worker that owns the GPUDevice of the webgpu backend (started by WorkerLink in
 * links.ts): it opens Dawn through the optional `webgpu` package, reports ready (or why not) and
 * then serves the client's requests in order. Node-only: only the worker link loads it.
 */
import { parentPort } from 'node:worker_threads';
import { DeviceSide } from './device.js';
import { type WorkerReady, type WorkerRequest, openDevice, serve } from './links.js';

interface DawnModule { create(options: string[]): GPU; globals: Record<string, unknown> }

let gpuRoot: GPU | null = null;

async function start(): Promise<DeviceSide | null> {
  let dawn: DawnModule;
  try {
    dawn = (await import('webgpu' as string)) as DawnModule;
  } catch (e) {
    post({ ready: false, error: `the optional 'webgpu' package (Dawn for Node) is not installed (${(e as Error).message.split('\n')[0]})` });
    return null;
  }
  Object.assign(globalThis, dawn.globals);
  try {
    // NOTE: the GPU object must stay referenced while its devices live (Dawn's instance is freed
    // with it, and a device of a freed instance crashes the process on its next submit).
    gpuRoot = dawn.create([]);
    const { device, adapter } = await openDevice(gpuRoot);
    post({ ready: true, adapter });
    return new DeviceSide(device);
  } catch (e) {
    const hint = process.env.VK_ICD_FILENAMES ? '' : ' (no Vulkan driver found; on Debian, chromium\'s SwiftShader works: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)';
    post({ ready: false, error: `${(e as Error).message}${hint}` });
    return null;
  }
}

function post(m: WorkerReady): void {
  parentPort?.postMessage(m);
}

const side = await start();
if (side) {
  let chain = Promise.resolve();
  parentPort?.on('message', (req: WorkerRequest) => {
    chain = chain.then(() => serve(side, req));
  });
}
