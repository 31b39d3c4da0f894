/** Formatting of benchmark results: the markdown table printed by `npm run bench`, with ratios. */
import type { Profile } from './profile.js';
import { GEMM_REPEATS } from './data.js';

export interface Cell {
  times?: number[];
  /** Median of times. */
  ms?: number;
  /** Fastest of times (less sensitive to background load than the median). */
  minMs?: number;
  note?: string;
}

export interface Report {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  threads: number;
  /** Threads of gradlab native (0: not run). */
  nativeThreads?: number;
  relaxedSimd: boolean;
  systems: { id: string; label: string }[];
  workloads: { name: string; loadStart: number; loadEnd: number; cells: Record<string, Cell>; profile?: Profile }[];
  notes: string[];
}

const DESCRIPTION: Record<string, string> = {
  'W1-256': 'sgemm 256³', 'W1-512': 'sgemm 512³', 'W1-1024': 'sgemm 1024³',
  W2: 'MLP epoch (ms)', W3: 'CNN step (ms)', W4: 'transformer step, 1 head (ms)', 'W4-4h': 'transformer step, 4 heads (ms)',
  W4F: 'transformer step, frozen embedding (ms)', W5: 'LSTM step (ms)', W5F: 'LSTM step, frozen embedding (ms)',
};

function gemmN(w: string): number {
  return w.startsWith('W1-') ? Number(w.slice(3)) : 0;
}

function fmt(w: string, c: Cell | undefined): string {
  if (!c) return '–';
  if (c.ms === undefined) return c.note ? `n/a¹` : '–';
  if (c.note) return `${fmtValue(w, c.ms)}²`;
  return fmtValue(w, c.ms);
}

function fmtValue(w: string, ms: number): string {
  const c = { ms };
  const n = gemmN(w);
  if (n) return `${(2 * n ** 3 * (GEMM_REPEATS[n] ?? 1) / c.ms / 1e6).toFixed(1)} GFLOPS`;
  return c.ms >= 100 ? c.ms.toFixed(0) : c.ms.toFixed(1);
}

/** PyTorch is reported at its best of 1 and 2 threads. */
export function bestTorch(cells: Record<string, Cell>): Cell | undefined {
  const c = [cells['torch-1'], cells['torch-2']].filter((x): x is Cell => x?.ms !== undefined);
  if (!c.length) return cells['torch-1'] ?? cells['torch-2'];
  return c.reduce((a, b) => ((a.ms ?? Infinity) <= (b.ms ?? Infinity) ? a : b));
}

export function formatReport(r: Report): string {
  const cols = r.systems.filter((s) => !s.id.startsWith('torch'));
  const hasTorch = r.systems.some((s) => s.id.startsWith('torch'));
  const head = ['workload', ...cols.map((s) => s.label), ...(hasTorch ? ['PyTorch (best of 1, 2 threads)'] : [])];
  const lines = [
    `Benchmark ${r.date.slice(0, 10)} on ${r.cpu}, ${r.cores} cores, Node ${r.node}, gradlab wasm on ${r.threads} threads${r.nativeThreads ? `, native on ${r.nativeThreads}` : ''}` +
      `${r.relaxedSimd ? ' (relaxed-SIMD FMA)' : ''}. Medians; GEMM in GFLOPS (a unit is ${Object.entries(GEMM_REPEATS).map(([n, r]) => `${r} × ${n}³`).join(', ')}, back to back), the rest in ms (lower is better).`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
  ];
  const notes = new Set<string>();
  for (const w of r.workloads) {
    const cells = cols.map((s) => fmt(w.name, w.cells[s.id]));
    if (hasTorch) cells.push(fmt(w.name, bestTorch(w.cells)));
    for (const s of r.systems) {
      const c = w.cells[s.id];
      // numpy is the GEMM ceiling only: its 'unsupported' on the training workloads is no news.
      if (c?.note && c.ms === undefined && !(s.id.startsWith('numpy') && c.note === 'unsupported')) notes.add(`${s.label} on ${w.name}: ${c.note}`);
    }
    lines.push(`| ${DESCRIPTION[w.name] ?? w.name} | ${cells.join(' | ')} |`);
  }
  const primary = r.systems.some((s) => s.id === 'gradlab-native') ? 'gradlab-native' : 'gradlab-wasm';
  const primaryLabel = r.systems.find((s) => s.id === primary)?.label ?? primary;
  lines.push('', `Speed of ${primaryLabel} relative to each peer (peer time / gradlab time; > 1 means gradlab is faster):`, '');
  const peers = [...cols.filter((s) => s.id !== primary).map((s) => ({ id: s.id, label: s.label })), ...(hasTorch ? [{ id: 'torch', label: 'PyTorch' }] : [])];
  lines.push(`| workload | ${peers.map((p) => p.label).join(' | ')} |`, `|---|${peers.map(() => '---').join('|')}|`);
  if (primary === 'gradlab-native' && hasTorch) {
    // The GEMM target is per thread count: native on N threads against PyTorch on N threads.
    const pairs: [string, string, string][] = [['gradlab-native-1', 'torch-1', '1 thread'], ['gradlab-native', 'torch-2', 'all threads vs PyTorch 2']];
    const extra: string[] = [];
    for (const w of r.workloads) {
      const parts = pairs.map(([g, t, l]) => {
        const a = w.cells[g]?.ms, b = w.cells[t]?.ms;
        return a !== undefined && b !== undefined ? `${l}: ${(b / a).toFixed(2)}×` : null;
      }).filter(Boolean);
      if (parts.length) extra.push(`- ${w.name}: ${parts.join(', ')}`);
    }
    if (extra.length) lines.splice(lines.length - 5, 0, '', 'gradlab native against PyTorch at the same thread count (PyTorch time / native time):', '', ...extra);
  }
  for (const w of r.workloads) {
    const ours = w.cells[primary]?.ms;
    const row = peers.map((p) => {
      const c = p.id === 'torch' ? bestTorch(w.cells) : w.cells[p.id];
      return ours !== undefined && c?.ms !== undefined ? `${(c.ms / ours).toFixed(2)}×` : '–';
    });
    lines.push(`| ${w.name} | ${row.join(' | ')} |`);
  }
  lines.push('', 'Background load (1-minute load average at the start → end of each workload): ' +
    r.workloads.map((w) => `${w.name} ${w.loadStart.toFixed(1)}→${w.loadEnd.toFixed(1)}`).join(', ') + '.');
  lines.push('', '² One run only, without warm-up: a single run took longer than the time budget.');
  if (notes.size) lines.push('', '¹ Not run:', ...[...notes].map((n) => `- ${n}`));
  for (const n of r.notes) lines.push(`- ${n}`);
  const profiled = r.workloads.filter((w) => w.profile);
  if (profiled.length) {
    lines.push('', `Where ${primaryLabel} spends one unit, measured with a timer around every kernel (ms; the largest kernels, then the JavaScript outside kernels: autograd, allocation, model code):`, '');
    for (const w of profiled) lines.push(`- ${w.name}: ${formatProfile(w.profile as Profile)}`);
  }
  return lines.join('\n');
}

function formatProfile(p: Profile, top = 6): string {
  const ms = (x: number): string => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
  const parts = p.kernels.slice(0, top).map((k) => `${k.kernel} ${ms(k.ms)}${k.calls > 1 ? ` (${Math.round(k.calls)} calls)` : ''}`);
  const rest = p.kernels.slice(top).reduce((a, k) => a + k.ms, 0);
  if (rest > 0) parts.push(`other kernels ${ms(rest)}`);
  parts.push(`outside kernels ${ms(Math.max(0, p.totalMs - p.kernelMs))}`);
  return `${ms(p.totalMs)} = ${parts.join(' + ')}`;
}
