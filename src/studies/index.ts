/** The catalogue of studies, by command-line name. */
import { backpropByHandStudy } from './backprop-by-hand.js';
import { mnistLinear } from './mnist-linear.js';
import { mnistMlp } from './mnist-mlp.js';
import { spamEmbeddings } from './spam-embeddings.js';
import { s3Attention } from './s3-attention.js';
import { s3Cnn } from './s3-cnn.js';
import { s3Transformer } from './s3-transformer.js';
import { s4Compare } from './s4-compare.js';
import { s2Regularization } from './s2-regularization.js';
import { s2Search } from './s2-search.js';
import { s5LinearRegression } from './s5-linear-regression.js';
import { s5Nonlinear } from './s5-nonlinear.js';
import { s5Usps } from './s5-usps.js';
import { s5Autoencoder } from './s5-autoencoder.js';
import { s5Conv1d } from './s5-conv1d.js';
import type { Study } from './study.js';
import { REFERENCES } from './references.js';

export const studies: Study[] = [mnistMlp, mnistLinear, backpropByHandStudy, spamEmbeddings, s3Cnn, s3Attention, s3Transformer, s4Compare, s2Regularization, s2Search, s5LinearRegression, s5Nonlinear, s5Usps, s5Autoencoder, s5Conv1d];

// Each study gets the numbers its original report measured (studies/references.ts), unless it declares its own.
for (const s of studies) if (s.references === undefined) s.references = REFERENCES[s.name]?.numbers ?? [];

export function findStudy(name: string): Study {
  const s = studies.find((x) => x.name === name);
  if (!s) throw new Error(`unknown study '${name}'; known studies: ${studies.map((x) => x.name).join(', ')}`);
  return s;
}

export type { Study, StudyOptions, StudyResult } from './study.js';
