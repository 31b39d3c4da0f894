/**
 * The `js` backend: plain TypeScript loops, short and obvious. It is the specification every
 * faster backend is tested against, kernel by kernel; speed is not its job.
 */
import type { Backend } from '../backend.js';
import { binary, cast, clamp, fill, leakyRelu, unary, where } from './elementwise.js';
import { gather, indexAdd, indexSelect, permute, scatterAdd, sliceAdd, sliceCopy } from './layout.js';
import { matmul } from './matmul.js';
import { adamStep, col2im, im2col, sgdStep, softmax } from './nn.js';
import { argReduce, reduce } from './reduce.js';
import { gruCell, gruCellBackward, lstmCell, lstmCellBackward } from './recurrent.js';

export const jsBackend: Backend = {
  name: 'js',
  unary, leakyRelu, clamp, binary, where, reduce, argReduce, matmul, permute, sliceCopy, sliceAdd,
  gather, scatterAdd, indexSelect, indexAdd, softmax, im2col, col2im, cast, fill, sgdStep, adamStep,
  lstmCell, lstmCellBackward, gruCell, gruCellBackward,
};
