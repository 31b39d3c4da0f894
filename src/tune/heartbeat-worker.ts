/** The thread behind Heartbeat (heartbeat.ts): its own storage connection, one beat per interval. */
import { parentPort, workerData } from 'node:worker_threads';
import { redactUrl } from '../track/storage-url.js';
import { openStorageUrl } from './storage/open.js';
import type { Storage } from './types.js';

const { url, intervalMs } = workerData as { url: string; intervalMs: number };
const ids = new Set<number>();
let storage: Storage | null = null;
let warned = false;

function beat(): void {
  if (ids.size === 0) return;
  try {
    storage ??= openStorageUrl(url);
    storage.heartbeat([...ids]);
    warned = false;
  } catch (e) {
    if (!warned) parentPort!.postMessage({ warning: `heartbeat to ${redactUrl(url)} failed (${(e as Error).message}); retrying every ${intervalMs / 1000} s` });
    warned = true;
    try {
      storage?.close();
    } catch {
      // already gone
    }
    storage = null;
  }
}

const timer = setInterval(beat, intervalMs);
parentPort!.on('message', (m: { add?: number; remove?: number; stop?: boolean }) => {
  if (m.add !== undefined) ids.add(m.add);
  if (m.remove !== undefined) ids.delete(m.remove);
  if (m.stop) {
    clearInterval(timer);
    storage?.close();
    parentPort!.close();
  }
});
