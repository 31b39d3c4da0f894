/// <reference types="@webgpu/types" />
/**
 * The browser Worker that owns the GPUDevice when gradlab itself runs in a Worker of a
 * cross-origin isolated page (started by WebWorkerLink in links.ts): there the calling Worker may
 * wait with Atomics.wait, so reads stay synchronous as in Node. Opens navigator.gpu, reports ready
 * (or why not), then serves the client's requests in order.
 */
import { DeviceSide } from './device.js';
import { type WorkerReady, type WorkerRequest, openDevice, serve } from './links.js';

interface WorkerScope {
  navigator: { gpu?: GPU };
  postMessage(m: unknown): void;
  onmessage: ((e: { data: WorkerRequest }) => void) | null;
}
const scope = globalThis as unknown as WorkerScope;

async function start(): Promise<DeviceSide | null> {
  const gpu = scope.navigator.gpu;
  if (!gpu) {
    scope.postMessage({ ready: false, error: 'navigator.gpu is missing in this Worker' } satisfies WorkerReady);
    return null;
  }
  try {
    const { device, adapter } = await openDevice(gpu);
    scope.postMessage({ ready: true, adapter } satisfies WorkerReady);
    return new DeviceSide(device);
  } catch (e) {
    scope.postMessage({ ready: false, error: (e as Error).message } satisfies WorkerReady);
    return null;
  }
}

const side = await start();
if (side) {
  let chain = Promise.resolve();
  scope.onmessage = (e) => {
    chain = chain.then(() => serve(side, e.data));
  };
}
