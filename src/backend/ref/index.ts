import type { Backend } from '../backend.js';
import { matmul } from './matmul.js';
import { conv1dForward, conv1dBackwardInput, conv1dBackwardWeight } from './conv1d.js';
import { conv2dForward, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';
import { sgdStep } from './sgd.js';
import { adamStep } from './adam.js';
import { columnSum } from './column-sum.js';
import { embeddingBackward } from './embedding-backward.js';
import { add } from './add.js';
import { reluForward, reluBackward } from './relu.js';
import { maxPool1dForward, maxPool1dBackward } from './max-pool1d.js';
import { maxPool2dForward, maxPool2dBackward } from './max-pool2d.js';
import { batchNormForward, batchNormBackward } from './batch-norm.js';
import { bmm } from './bmm.js';
import { bmmHeads } from './bmm-heads.js';
import { affineNormForward, affineNormBackward } from './affine-norm.js';
import { adaptiveAvgPool1dForward, adaptiveAvgPool1dBackward } from './adaptive-avg-pool1d.js';
import { copyBlocks } from './copy-blocks.js';
import { softmaxForward, softmaxBackward } from './softmax.js';
import { lstmCellForward, lstmCellBackward } from './lstm-cell.js';

/** The plain-TypeScript backend: the executable spec every other backend is tested against. */
export const refBackend: Backend = {
  name: 'ref',
  matmul,
  conv1dForward,
  conv1dBackwardInput,
  conv1dBackwardWeight,
  conv2dForward,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  sgdStep,
  adamStep,
  columnSum,
  embeddingBackward,
  add,
  reluForward,
  reluBackward,
  maxPool1dForward,
  maxPool1dBackward,
  maxPool2dForward,
  maxPool2dBackward,
  batchNormForward,
  batchNormBackward,
  bmm,
  bmmHeads,
  affineNormForward,
  affineNormBackward,
  adaptiveAvgPool1dForward,
  adaptiveAvgPool1dBackward,
  copyBlocks,
  softmaxForward,
  softmaxBackward,
  lstmCellForward,
  lstmCellBackward,
};
