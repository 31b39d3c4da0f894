/**
 * `npm run bench`: workloads W1–W5 of issue 5 on gradlab (native on all threads and on one, wasm
 * on all threads and on one, js), TF.js (wasm and cpu backends, child processes), PyTorch
 * (Debian's python3-torch through /usr/bin/python3, 1 and 2 threads, best reported) and, for the
 * GEMMs, numpy's OpenBLAS sgemm (1 and 2 threads) as the ceiling, in one run, alternating systems
 * round by round, median of the timed repetitions after warm-up. Prints a table, writes
 * bench/results/<date>.json and bench/RESULTS.md. Benchmarks are not tests: nothing here asserts.
 *
 * Options: --only W1-1024,W2   --reps 5 (three times as many for units under 0.1 s)   --budget 60 (seconds per system and workload; slow
 * systems get fewer repetitions, at least one; a TF.js step over 4× the budget is stopped and
 * reported)   --skip tfjs-cpu,torch,gradlab-js   --no-profile (skip the per-kernel profile of
 * gradlab native (wasm when native is unavailable) that follows each workload but W1)
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { backend, registerBackend, setBackend } from '../src/backend/index.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { createNativeBackend, loadNativeAddon } from '../src/backend/native/index.js';
import { GRADLAB, type Runner } from './gradlab.js';
import { formatReport, type Report, type Cell } from './report.js';
import { profile, timedBackend, type KernelTime } from './profile.js';
import { benchArgs } from './args.js';

/** Pause before every timed run (see the NOTE where it is used). */
const QUIET_MS = 250;
/** Units faster than this get an untimed run right before each timed one. */
const PRIMER_BELOW_MS = 100;

const WORKLOADS = ['W1-256', 'W1-512', 'W1-1024', 'W2', 'W3', 'W4', 'W4-4h', 'W4F', 'W5', 'W5F'];

const { arg, flag } = benchArgs('bench/run', ['budget', 'only', 'reps', 'skip'], ['no-profile']);

interface System {
  id: string;
  label: string;
  /** ms for one unit, or a string saying why it cannot run. */
  run(w: string): Promise<number | string>;
  close(): void;
}

function gradlabSystem(id: string, label: string, backendName: string): System {
  const runners = new Map<string, Runner | string>();
  return {
    id, label,
    async run(w) {
      setBackend(backendName);
      // Native backends over one addon share its pool: take it over before the timed run.
      backend().unary('neg', new Float32Array(1), new Float32Array(1));
      let r = runners.get(w);
      if (r === undefined) {
        try { r = GRADLAB[w](); } catch (e) { r = `failed: ${(e as Error).message}`; }
        runners.set(w, r);
      }
      if (typeof r === 'string') return r;
      const t0 = performance.now();
      r();
      return performance.now() - t0;
    },
    close() {},
  };
}

/** A child process speaking the line protocol of tfjs-server.ts and torch_bench.py. */
async function serverSystem(id: string, label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = Infinity): Promise<System | string> {
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    return `${label}: ${(e as Error).message}`;
  }
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error(`${label} exited: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return r.value;
  };
  try {
    while ((await next()).trim() !== 'ready');
  } catch (e) {
    return (e as Error).message;
  }
  let dead: string | null = null;
  return {
    id, label,
    async run(w) {
      if (dead) return dead;
      child.stdin.write(`${w}\n`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((resolve) => {
        if (Number.isFinite(timeoutMs)) timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      let line: string;
      try {
        line = (await Promise.race([next(), timeout])).trim();
      } catch (e) {
        dead = `stopped: ${(e as Error).message.slice(0, 300)}`;
        return dead;
      }
      clearTimeout(timer);
      if (line === 'timeout') {
        // The child is stuck in one long step: stop it; later workloads report why.
        dead = `stopped: one ${w} run took over ${(timeoutMs / 1000).toFixed(0)} s`;
        child.kill();
        return dead;
      }
      const v = Number(line);
      return Number.isFinite(v) ? v : line;
    },
    close() { child.stdin.end(); child.kill(); },
  };
}

/** Writes bench/results/<date>.json and, for a full run, bench/RESULTS.md. */
function save(report: Report, markdown: boolean): void {
  const dir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const stamp = report.date.slice(0, 19).replace(/:/g, '-');
  writeFileSync(`${dir}${stamp}.json`, JSON.stringify(report, null, 2) + '\n');
  if (markdown) writeFileSync(fileURLToPath(new URL('../../bench/RESULTS.md', import.meta.url)), formatReport(report) + '\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const only = arg('only', '').split(',').filter(Boolean);
  const skip = new Set(arg('skip', '').split(',').filter(Boolean));
  const reps = Number(arg('reps', '5'));
  const budgetMs = Number(arg('budget', '60')) * 1000;
  const workloads = only.length ? only : WORKLOADS;

  const all = createWasmBackend({}, 'wasm-bench');
  registerBackend(all);
  registerBackend(createWasmBackend({ threads: 1 }, 'wasm-bench-1'));
  const threads = all.threads();
  const doProfile = !flag('no-profile');
  const kernelTimes = new Map<string, KernelTime>();
  const native = loadNativeAddon();
  const notes: string[] = [];
  const systems: System[] = [];
  let nativeThreads = 0;
  if ('error' in native) {
    notes.push(`gradlab native skipped: ${native.error}`);
    registerBackend(timedBackend(all, 'profile', kernelTimes));
  } else {
    const nAll = createNativeBackend(native.addon, {});
    nativeThreads = nAll.threads();
    registerBackend({ ...nAll, name: 'native-bench' });
    registerBackend({ ...createNativeBackend(native.addon, { threads: 1 }), name: 'native-bench-1' });
    registerBackend(timedBackend(nAll, 'profile', kernelTimes));
    systems.push(
      gradlabSystem('gradlab-native', `gradlab native (${nAll.isa()}, ${nativeThreads} threads)`, 'native-bench'),
      gradlabSystem('gradlab-native-1', `gradlab native (${nAll.isa()}, 1 thread)`, 'native-bench-1'),
    );
  }
  systems.push(
    gradlabSystem('gradlab-wasm', `gradlab wasm (${threads} threads)`, 'wasm-bench'),
    gradlabSystem('gradlab-wasm-1', 'gradlab wasm (1 thread)', 'wasm-bench-1'),
    gradlabSystem('gradlab-js', 'gradlab js', 'js'),
  );
  for (let i = systems.length - 1; i >= 0; i--) if (skip.has(systems[i].id)) systems.splice(i, 1);
  const tfjsServer = fileURLToPath(new URL('./tfjs-server.js', import.meta.url));
  for (const [id, b] of [['tfjs-wasm', 'wasm'], ['tfjs-cpu', 'cpu']]) {
    if (skip.has(id)) continue;
    const s = await serverSystem(id, `TF.js ${b}`, process.execPath, [tfjsServer, b], process.env, 4 * budgetMs);
    if (typeof s === 'string') notes.push(s); else systems.push(s);
  }
  const torchPy = fileURLToPath(new URL('../../bench/torch_bench.py', import.meta.url));
  if (!skip.has('torch')) {
    if (!existsSync('/usr/bin/python3') || !existsSync(torchPy)) notes.push('PyTorch skipped: /usr/bin/python3 or bench/torch_bench.py missing');
    else {
      for (const t of [1, 2]) {
        // NOTE: this machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE pick an AVX2 kernel that halves
        // OpenBLAS; busy-waiting OpenMP threads slow PyTorch down on 2 cores.
        const env: NodeJS.ProcessEnv = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: String(t) };
        delete env.OPENBLAS_CORETYPE;
        delete env.OPENBLAS_L2_SIZE;
        const s = await serverSystem(`torch-${t}`, `PyTorch (${t} thread${t > 1 ? 's' : ''})`, '/usr/bin/python3', [torchPy, String(t)], env);
        if (typeof s === 'string') { notes.push(`PyTorch skipped (python3-torch not installed?): ${s}`); break; }
        systems.push(s);
      }
    }
  }

  const numpyPy = fileURLToPath(new URL('../../bench/numpy_sgemm.py', import.meta.url));
  if (!skip.has('numpy') && existsSync('/usr/bin/python3') && existsSync(numpyPy)) {
    for (const t of [1, 2]) {
      const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(t), OMP_NUM_THREADS: String(t) };
      delete env.OPENBLAS_CORETYPE;
      delete env.OPENBLAS_L2_SIZE;
      const s = await serverSystem(`numpy-${t}`, `numpy OpenBLAS sgemm (${t} thread${t > 1 ? 's' : ''})`, '/usr/bin/python3', [numpyPy, String(t)], env);
      if (typeof s === 'string') { notes.push(`numpy skipped: ${s}`); break; }
      systems.push(s);
    }
  }

  const report: Report = {
    date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
    threads, nativeThreads, relaxedSimd: all.relaxed(), systems: systems.map((s) => ({ id: s.id, label: s.label })), workloads: [], notes,
  };
  for (const w of workloads) {
    const loadStart = loadavg()[0];
    const cells = new Map<string, Cell>();
    const plan = new Map<string, number>();
    const primed = new Set<string>();
    for (const s of systems) {
      // Warm-up: V8 runs new wasm in its baseline tier until the optimizing tier takes over.
      const warm = w.startsWith('W1') ? 5 : 2;
      let first: number | string = 0;
      let slow = false;
      for (let i = 0; i < warm; i++) {
        first = await s.run(w);
        if (typeof first === 'string') break;
        if (first > budgetMs) { slow = true; break; }
        if (first * (i + 1) > budgetMs) break;
      }
      if (typeof first === 'string') { cells.set(s.id, { note: first }); continue; }
      if (slow) {
        // One run already exceeds the budget: it is the only (unwarmed) sample.
        cells.set(s.id, { times: [first], note: 'one run only (slower than the budget)' });
        plan.set(s.id, 1);
        continue;
      }
      // Short units are cheap to repeat, and their medians need more samples to be steady.
      const want = first < PRIMER_BELOW_MS ? 3 * reps : reps;
      plan.set(s.id, Math.max(1, Math.min(want, Math.floor(budgetMs / Math.max(first, 1e-3)))));
      if (first < PRIMER_BELOW_MS) primed.add(s.id);
      cells.set(s.id, { times: [] });
    }
    const rounds = Math.max(0, ...plan.values());
    for (let r = 0; r < rounds; r++) {
      for (const s of systems) {
        const c = cells.get(s.id);
        if (!c?.times || c.times.length >= (plan.get(s.id) ?? 0)) continue;
        // NOTE: OpenBLAS threads (PyTorch) spin ~0.1 s after a product before they sleep; a
        // pause keeps one system's idle spinning out of the next system's timing.
        await new Promise((r) => setTimeout(r, QUIET_MS));
        // A short unit right after idle runs slow (here a 3 ms product at 60% speed: the virtual
        // CPUs clock down when idle), so it follows one untimed run of the same unit.
        if (primed.has(s.id)) await s.run(w);
        const t = await s.run(w);
        if (typeof t === 'string') { cells.set(s.id, { note: t }); continue; }
        c.times.push(t);
      }
    }
    for (const c of cells.values()) if (c.times?.length) { c.ms = median(c.times); c.minMs = Math.min(...c.times); }
    report.workloads.push({ name: w, loadStart, loadEnd: loadavg()[0], cells: Object.fromEntries(cells) });
    if (doProfile && !w.startsWith('W1')) {
      // Kernel by kernel, on all threads: what a missed target is made of.
      setBackend('profile');
      try {
        const unit = GRADLAB[w]();
        unit();
        report.workloads[report.workloads.length - 1].profile = profile(unit, 2, kernelTimes);
      } catch (e) {
        notes.push(`profile of ${w} failed: ${(e as Error).message}`);
      }
    }
    process.stderr.write(`${w} done\n`);
    save(report, !only.length); // after every workload, so a long run leaves its results behind
  }
  for (const s of systems) s.close();
  console.log(formatReport(report));
  process.exit(0);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
