/** Analysis tools for representations: PCA, k-means, t-SNE and trustworthiness. */
export * from './matrix.js';
export * from './pca.js';
export * from './kmeans.js';
export * from './neighbors.js';
export * from './tsne.js';
export { jointProbabilities, jointProbabilitiesNN, calibrateRow, type SparseP } from './tsne-affinity.js';
