/**
 * Opening the webgpu backend for tests: in Node through the optional `webgpu` package (Dawn) on
 * whatever Vulkan driver is there; where none is configured, Debian chromium's SwiftShader (a
 * software Vulkan GPU) through VK_ICD_FILENAMES. `skip` is the one-line reason when there is no
 * usable device (package, libvulkan or driver missing).
 */
import { existsSync } from 'node:fs';
import type { Kernels } from '../../../src/backend/backend.js';
import { complete } from '../../../src/backend/index.js';
import { type WebGpuBackend, createWebGpuBackend } from '../../../src/backend/webgpu/index.js';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Points Vulkan at chromium's SwiftShader when no driver was chosen and it is installed. */
export function useSwiftShaderIfUnset(): void {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
}

export async function openWebGpu(): Promise<{ be: Kernels; raw: WebGpuBackend | null; skip: string | false }> {
  useSwiftShaderIfUnset();
  try {
    const raw = await createWebGpuBackend();
    return { be: complete(raw), raw, skip: false };
  } catch (e) {
    return { be: null as unknown as Kernels, raw: null, skip: `webgpu unavailable here: ${(e as Error).message.split('\n')[0]}` };
  }
}
