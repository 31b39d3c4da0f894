/**
 * gradlab.tune: hyper-parameter search with Optuna's API in camelCase.
 *
 *   const study = createStudy({ direction: 'minimize', sampler: new TPESampler({ seed: 0 }) });
 *   await study.optimize((trial) => {
 *     const dropout = trial.suggestFloat('dropout', 0.1, 0.5);
 *     const l1 = trial.suggestFloat('l1', 1e-4, 1e-1, { log: true });
 *     return validationLoss(dropout, l1);
 *   }, { nTrials: 100 });
 *   study.bestParams; study.bestValue; study.trialsDataFrame();
 */
export * from './distributions.js';
export * from './types.js';
export { Trial, TrialPruned } from './trial.js';
export { Study, createStudy, loadStudy, deleteStudy, getAllStudySummaries } from './study.js';
export type { Objective, OptimizeOptions, CreateStudyOptions, LoadStudyOptions, TrialCallback } from './study.js';
export type { Sampler, Pruner, StudyView, SeedOptions } from './samplers/base.js';
export { RandomSampler } from './samplers/random.js';
export { GridSampler } from './samplers/grid.js';
export type { GridSearchSpace } from './samplers/grid.js';
export { TPESampler, defaultGamma, defaultWeights } from './samplers/tpe.js';
export type { TPESamplerOptions } from './samplers/tpe.js';
export { MedianPruner, PercentilePruner, NopPruner, SuccessiveHalvingPruner } from './pruners.js';
export type { PercentilePrunerOptions, SuccessiveHalvingOptions } from './pruners.js';
export { InMemoryStorage } from './storage/memory.js';
export { SqliteStorage, sqlitePath } from './storage/sqlite.js';
export { PgStorage } from './storage/pg.js';
export { openStorageUrl } from './storage/open.js';
export { parseSpace, parseSpaceParam, suggestSpace, gridOfSpace, SpaceError } from './space.js';
export type { SpaceParam } from './space.js';
export type { DeadWorkerOptions } from './study.js';
export { trialsDataFrame, formatTable } from './table.js';
export type { TrialRow, Cell } from './table.js';
export * from './plots.js';
