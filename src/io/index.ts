export { writeFileAtomic } from './atomic.js';
export { encodeSafetensors, decodeSafetensors, safetensorsBytes, saveSafetensors, loadSafetensors } from './safetensors.js';
export type { SafetensorsFile } from './safetensors.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export type { CheckpointInfo } from './checkpoint.js';
