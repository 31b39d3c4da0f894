/**
 * Heartbeats of a worker's running trials. A worker thread (heartbeat-worker.ts) opens the study
 * storage on its own connection and, every `intervalSeconds`, stamps the trials this process is
 * running with the storage's clock. Being a thread, it keeps beating while the main thread is
 * busy training; when the process dies (SIGKILL, power loss, lost network), the beats stop and
 * after the study's grace period another worker fails the trial (and re-queues it if the study
 * says so; see storage/sql.ts).
 */
import { Worker } from 'node:worker_threads';

export class Heartbeat {
  private readonly worker: Worker;
  private stopped = false;

  constructor(readonly url: string, readonly intervalSeconds: number) {
    if (!(intervalSeconds > 0)) throw new RangeError(`Heartbeat: intervalSeconds must be > 0, got ${intervalSeconds}`);
    this.worker = new Worker(new URL('./heartbeat-worker.js', import.meta.url), { workerData: { url, intervalMs: intervalSeconds * 1000 } });
    this.worker.on('message', (m: { warning?: string }) => {
      if (m.warning) process.emitWarning(m.warning, 'TuneWarning');
    });
    this.worker.on('error', (e) => process.emitWarning(`heartbeat thread for ${url} stopped: ${e.message}`, 'TuneWarning'));
    // After the listeners: a 'message' listener refs the worker's port again, and the thread must
    // never keep the process alive (a finished study need not be closed for the process to exit).
    this.worker.unref();
  }

  add(trialId: number): void {
    if (!this.stopped) this.worker.postMessage({ add: trialId });
  }

  remove(trialId: number): void {
    if (!this.stopped) this.worker.postMessage({ remove: trialId });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.postMessage({ stop: true });
  }
}
