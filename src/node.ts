/**
 * gradlab/node: everything in 'gradlab' plus what needs Node. `data`, `train` and `io` here are
 * the full namespaces (file readers and caches, the progress bar and checkpoint callback, files on
 * disk); `track` (the run store, TensorBoard files, reports) and `tune` (study storage) are
 * Node-only. Backends that only run in Node register themselves from here, so the browser
 * bundle never references them.
 */
import './backend/native/register.js';
export * from './index.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as io from './io/index.js';
export * as track from './track/index.js';
export * as tune from './tune/index.js';
