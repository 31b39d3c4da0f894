/**
 * The `js` backend: plain TypeScript loops, short and obvious. It is the specification every
 * faster backend is tested against, kernel by kernel; speed is not its job.
 */
import type { Kernels } from '../backend.js';
import { binary, cast, clamp, fill, leakyRelu, unary, where } from './elementwise.js';
import { convBackwardInput, convBackwardWeight, convForward } from './conv.js';
import { gather, indexAdd, indexSelect, permute, scatterAdd, sliceAdd, sliceCopy } from './layout.js';
import { crossEntropy, crossEntropyBackward, layerNorm, layerNormBackward } from './fused.js';
import { matmul } from './matmul.js';
import { adamStep, adamSteps, col2im, dropout, im2col, sgdStep, sgdSteps, softmax } from './nn.js';
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward } from './pooling.js';
import { argReduce, reduce } from './reduce.js';
import { gruCell, gruCellBackward, lstmCell, lstmCellBackward } from './recurrent.js';

export const jsBackend: Kernels = {
  name: 'js',
  unary, leakyRelu, clamp, binary, where, reduce, argReduce, matmul, permute, sliceCopy, sliceAdd,
  gather, scatterAdd, indexSelect, indexAdd, softmax, crossEntropy, crossEntropyBackward, layerNorm, layerNormBackward,
  im2col, col2im, convForward, convBackwardWeight, convBackwardInput,
  maxPool, maxPoolBackward, avgPool, avgPoolBackward, cast, fill, dropout, sgdStep, adamStep,
  sgdSteps, adamSteps,
  lstmCell, lstmCellBackward, gruCell, gruCellBackward,
};
