export { TensorDataset, Subset, randomSplit, subsample } from './dataset.js';
export type { Dataset } from './dataset.js';
export { DataLoader } from './dataloader.js';
export type { DataLoaderOptions } from './dataloader.js';
export { loadMnistPackage, mnistDataset } from './mnist.js';
export type { ImageSet } from './mnist.js';
