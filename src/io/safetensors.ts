/** Safetensors files: the bytes codec (safetensors-bytes.ts) plus saving and loading on disk (Node). */
import { readFileSync, existsSync } from 'node:fs';
import type { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomic.js';
import { decodeSafetensors, encodeSafetensors, type EncodeOptions, type SafetensorsFile } from './safetensors-bytes.js';

export {
  decodeSafetensors, encodeSafetensors, safetensorsBytes, halfToFloat, floatToHalf, bf16ToFloat, floatToBf16,
  type SafetensorsFile, type SafetensorsDType, type EncodeOptions,
} from './safetensors-bytes.js';

export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}, o: EncodeOptions = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata, o));
}

export function loadSafetensors(path: string): SafetensorsFile {
  if (!existsSync(path)) throw new Error(`safetensors: no file at ${path}`);
  return decodeSafetensors(readFileSync(path), path);
}
