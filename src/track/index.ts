/**
 * track/: the run store and what writes and reads it (see store.ts for the API), the Tracker
 * callback for the fit loop, and the TensorBoard exporter.
 */
export * from './store.js';
export { Tracker, type TrackerOptions } from './tracker.js';
export { summarizeHistogram, DEFAULT_BUCKETS } from './histogram.js';
export { encodePng, pngInfo, crc32, type PngInput } from './png.js';
export type { Numbers, HeatmapInput, MatrixInput, CurveInput, PointsInput, ImageInput } from './run.js';
export { imageGrid, type GridOptions } from './images.js';
export { exportTensorBoard, type ExportOptions, type ExportResult } from './tensorboard/export.js';
export { EventFileWriter } from './tensorboard/writer.js';
export { readRecords, decodeEvent } from './tensorboard/reader.js';
export { writeRunReport, type ReportFiles } from './report.js';
export { writeStudyReport, type StudyReportFiles } from './report-study.js';
