/** The catalogue of studies, by command-line name. */
import { backpropByHandStudy } from './backprop-by-hand.js';
import { mnistLinear } from './mnist-linear.js';
import { mnistMlp } from './mnist-mlp.js';
import { spamEmbeddings } from './spam-embeddings.js';
import { s3Attention } from './s3-attention.js';
import { s3Cnn } from './s3-cnn.js';
import { s3Transformer } from './s3-transformer.js';
import { s4Compare } from './s4-compare.js';
import type { Study } from './study.js';

export const studies: Study[] = [mnistMlp, mnistLinear, backpropByHandStudy, spamEmbeddings, s3Cnn, s3Attention, s3Transformer, s4Compare];

export function findStudy(name: string): Study {
  const s = studies.find((x) => x.name === name);
  if (!s) throw new Error(`unknown study '${name}'; known studies: ${studies.map((x) => x.name).join(', ')}`);
  return s;
}

export type { Study, StudyOptions, StudyResult } from './study.js';
