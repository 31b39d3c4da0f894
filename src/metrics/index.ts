/** Metrics: classification, ranking (ROC / PR), clustering, and streaming accumulators. */
export * from './input.js';
export * from './classification.js';
export * from './ranking.js';
export * from './clustering.js';
export * from './accumulator.js';
export * from './records.js';
