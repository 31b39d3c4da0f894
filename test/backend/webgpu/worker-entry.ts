/** Module Worker entry of browser.test.ts: runs runSyncCases (page-cases.ts) and posts the results. */
import { runSyncCases } from './page-cases.js';

const post = (globalThis as unknown as { postMessage(m: unknown): void }).postMessage.bind(globalThis);
try {
  post(await runSyncCases());
} catch (e) {
  post({ adapter: '', results: [{ name: 'worker', error: String((e as Error).stack ?? e) }] });
}
