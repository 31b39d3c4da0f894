/** Analysis tools for representations: PCA, k-means, t-SNE and trustworthiness. */
export * from './matrix.js';
export * from './pca.js';
export * from './kmeans.js';
export * from './neighbors.js';
export * from './tsne.js';
export { jointProbabilities, jointProbabilitiesNN, jointProbabilitiesSteps, jointProbabilitiesNNSteps, calibrateRow, type SparseP } from './tsne-affinity.js';
export { drain, driveAsync, type Steps } from './steps.js';
