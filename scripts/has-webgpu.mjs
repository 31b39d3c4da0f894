// Exits 0 when the webgpu backend can open a device here; otherwise prints why ("<what> skipped: …") and exits 1.
// Used by `npm run test:spine-webgpu` and bench/webgpu. Usage: node scripts/has-webgpu.mjs [what]
import { setBackendAsync } from '../dist/src/backend/index.js';

const what = process.argv[2] ?? 'webgpu';
try {
  await setBackendAsync('webgpu');
  process.exit(0);
} catch (e) {
  console.log(`${what} skipped: ${String(e.message).split('\n')[0]}`);
  process.exit(1);
}
