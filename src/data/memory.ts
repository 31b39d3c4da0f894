/**
 * The in-memory half of data/ (what the `gradlab` core entry exports): datasets, loaders, splits,
 * transforms, synthetic sets, tokenizer / vocabulary / encoding and word-vector lookups. No Node
 * built-in: it runs in a browser. The file readers, the cache and the dataset registry are in
 * data/index.ts (the `gradlab/node` entry).
 */
export { TensorDataset, Subset, randomSplit, subsample } from './dataset.js';
export type { Dataset } from './dataset.js';
export { DataLoader } from './dataloader.js';
export type { DataLoaderOptions } from './dataloader.js';
export * from './text/tokenizer.js';
export * from './text/vocab.js';
export * from './text/encode.js';
export * from './embeddings/vectors.js';
export * from './embeddings/embedding.js';
export * from './transforms.js';
export * from './synthetic.js';
