/**
 * Importing this file makes the native backend available to backend() (and the default in Node
 * when the addon loads). The Node entry (src/node.ts) and the CLI import it; the browser core never
 * does, so a browser bundle holds no native code.
 */
import { registerNativeLoader } from '../index.js';
import { loadNative } from './index.js';

registerNativeLoader(loadNative);
