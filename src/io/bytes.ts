/** The in-memory half of io/ (the `gradlab` core entry): safetensors from and to bytes. */
export { encodeSafetensors, decodeSafetensors, safetensorsBytes, halfToFloat, floatToHalf, bf16ToFloat, floatToBf16 } from './safetensors-bytes.js';
export type { SafetensorsFile, SafetensorsDType, EncodeOptions } from './safetensors-bytes.js';
