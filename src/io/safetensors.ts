/** Safetensors files: the bytes codec (safetensors-bytes.ts) plus saving and loading on disk (Node). */
import { readFileSync, existsSync } from 'node:fs';
import type { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomic.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsFile } from './safetensors-bytes.js';

export { decodeSafetensors, encodeSafetensors, safetensorsBytes, type SafetensorsFile } from './safetensors-bytes.js';

export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export function loadSafetensors(path: string): SafetensorsFile {
  if (!existsSync(path)) throw new Error(`safetensors: no file at ${path}`);
  return decodeSafetensors(readFileSync(path), path);
}
