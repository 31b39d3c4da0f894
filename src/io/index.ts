export { writeFileAtomic, cleanStaleTempFiles } from './atomic.js';
export { encodeSafetensors, decodeSafetensors, safetensorsBytes, saveSafetensors, loadSafetensors, halfToFloat, floatToHalf, bf16ToFloat, floatToBf16 } from './safetensors.js';
export type { SafetensorsFile, SafetensorsDType, EncodeOptions } from './safetensors.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export type { CheckpointInfo } from './checkpoint.js';
