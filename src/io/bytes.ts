/** The in-memory half of io/ (the `gradlab` core entry): safetensors from and to bytes. */
export { encodeSafetensors, decodeSafetensors, safetensorsBytes } from './safetensors-bytes.js';
export type { SafetensorsFile } from './safetensors-bytes.js';
