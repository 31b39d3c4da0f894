/**
 * Node only: importing this module with GRADLAB_BACKEND=webgpu opens the GPU (asynchronously, by
 * top-level await) and makes webgpu the active backend before any other code runs, e.g.
 * `GRADLAB_BACKEND=webgpu node --import gradlab/dist/src/backend/webgpu/register.js app.js`
 * (what `npm run test:spine-webgpu` does). Where there is no usable GPU (the optional `webgpu`
 * package missing, no Vulkan driver or adapter), one line says why and the CPU backends stay.
 * The core entry never imports this file (top-level await and Node's process only here).
 */
import { isMainThread } from 'node:worker_threads';
import { setBackendAsync } from '../index.js';

// NOTE: workers inherit --import; only the main thread opens the device.
if (isMainThread && process.env.GRADLAB_BACKEND === 'webgpu') {
  try {
    await setBackendAsync('webgpu');
  } catch (e) {
    console.warn(`gradlab: ${(e as Error).message.split('\n')[0]}; keeping the CPU backends`);
    delete process.env.GRADLAB_BACKEND;
  }
}
