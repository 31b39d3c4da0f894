/** The catalogue of studies, by command-line name. */
import { backpropByHandStudy } from './backprop-by-hand.js';
import { mnistLinear } from './mnist-linear.js';
import { mnistMlp } from './mnist-mlp.js';
import { spamEmbeddings } from './spam-embeddings.js';
import type { Study } from './study.js';

export const studies: Study[] = [mnistMlp, mnistLinear, backpropByHandStudy, spamEmbeddings];

export function findStudy(name: string): Study {
  const s = studies.find((x) => x.name === name);
  if (!s) throw new Error(`unknown study '${name}'; known studies: ${studies.map((x) => x.name).join(', ')}`);
  return s;
}

export type { Study, StudyOptions, StudyResult } from './study.js';
