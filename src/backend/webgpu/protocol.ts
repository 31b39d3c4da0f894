/**
 * The messages between the webgpu client (client.ts) and the device side (device.ts): commands,
 * buffer tokens, and which arguments each kernel writes. No WebGPU type appears here, so the
 * client's published declarations need none (a browser project without @webgpu/types checks them).
 */

/** A reference to a device buffer inside a command's arguments. */
export interface Token { $g: number }
/** A window [o, o + n) of device array $v (GpuArray.subarray): copied to scratch around the kernel. */
export interface ViewToken { $v: number; o: number; n: number }

export type Command =
  | { t: 'alloc'; id: number; dtype: 'float32' | 'int32'; n: number }
  | { t: 'write'; id: number; dtype: 'float32' | 'int32'; data: Float32Array | Int32Array; at?: number }
  | { t: 'copy'; src: number; srcAt: number; dst: number; dstAt: number; n: number }
  | { t: 'free'; ids: number[] }
  | { t: 'k'; name: string; args: unknown[] }
  | { t: 'read'; id: number };

/**
 * The array arguments each kernel writes (top-level positions): inputs aliasing them are copied
 * first. Kernels absent here write none of their top-level arguments (the multi-tensor optimizer
 * steps write inside their lists, with no aliasing between entries).
 */
export const OUTPUTS: Record<string, readonly number[]> = {
  unary: [2], leakyRelu: [2], clamp: [3], binary: [5], where: [6], reduce: [4], argReduce: [4], matmul: [2], permute: [3],
  sliceCopy: [4], sliceAdd: [2], gather: [5], scatterAdd: [4], indexSelect: [5], indexAdd: [7], im2col: [4], col2im: [4],
  cast: [1], fill: [0],
  softmax: [5], crossEntropy: [6, 7], crossEntropyBackward: [7], layerNorm: [6, 7, 8], layerNormBackward: [7, 8, 9],
  convForward: [6], convBackwardWeight: [6], convBackwardInput: [6], maxPool: [4, 5], maxPoolBackward: [5], avgPool: [5],
  avgPoolBackward: [5], lstmCell: [4, 5, 6], lstmCellBackward: [6, 7], gruCell: [5, 6], gruCellBackward: [6, 7, 8],
  dropout: [2], sgdStep: [0, 2], adamStep: [0, 2, 3, 5],
};

