#!/usr/bin/env node
// Builds the native backend (binding.gyp → build/Release/gradlab_native.node) with node-gyp and
// the machine's C++ compiler, using the headers of the Node that runs this script (no download).
// Run by `npm install` (the "install" script). It never fails the install: on any problem it
// writes one line to build/native-status.txt (the full log to build/native-build.log), prints
// it, and exits 0; gradlab then runs on wasm and says why once. GRADLAB_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');
const status = (line, log = '') => {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(join(buildDir, 'native-status.txt'), line + '\n');
  if (log) writeFileSync(join(buildDir, 'native-build.log'), log);
  console.log(`gradlab native: ${line}`);
};

function main() {
  if (process.env.GRADLAB_NATIVE === '0') return status('build skipped: GRADLAB_NATIVE=0 at install');
  const nodedir = join(dirname(process.execPath), '..');
  if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
    return status(`build skipped: no Node headers at ${join(nodedir, 'include', 'node')} (and nothing is downloaded)`);
  }
  const require = createRequire(import.meta.url);
  let gyp;
  try {
    gyp = require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const npmGyp = process.env.npm_execpath ? join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js') : '';
    if (npmGyp && existsSync(npmGyp)) gyp = npmGyp;
  }
  if (!gyp) return status('build failed: node-gyp not found (npm install node-gyp)');
  try {
    require.resolve('node-addon-api');
  } catch {
    return status('build failed: node-addon-api is not installed');
  }
  const jobs = String(Math.max(1, Math.min(4, (process.env.GRADLAB_NATIVE_JOBS | 0) || 2)));
  const r = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--jobs', jobs, '--release'], {
    cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_nodedir: nodedir },
  });
  const log = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  if (r.error || r.status !== 0) {
    const err = r.error ? r.error.message : (log.split('\n').find((l) => /error/i.test(l)) ?? `node-gyp exited with ${r.status}`).trim();
    return status(`build failed: ${err.slice(0, 200)} (log: build/native-build.log)`, log);
  }
  if (!existsSync(join(buildDir, 'Release', 'gradlab_native.node'))) return status('build failed: node-gyp produced no addon', log);
  status('built build/Release/gradlab_native.node', log);
}

try {
  main();
} catch (e) {
  try { status(`build failed: ${e && e.message ? e.message : e}`); } catch { /* never fail the install */ }
}
process.exit(0);
