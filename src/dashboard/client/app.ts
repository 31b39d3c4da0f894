/**
 * The dashboard page: a sidebar of runs (search, study and status filters; click a run to show
 * it, tick several to overlay them), a header with the run's details and final metrics, and
 * four tabs. The selection and tab live in the URL hash (#runs=a,b&tab=scalars), so a view can
 * be bookmarked. Every two seconds the page asks for new runs and for records newer than the
 * ones it holds, and redraws what changed: a run in training fills in as it goes.
 */
import type { RunInfo, RunStatus } from '../../track/types.js';
import { PALETTE, formatNumber } from '../../track/report-specs.js';
import { ApiError, CardGrid, byId, fill, formatDuration, formatTime, getJson, h } from './dom.js';
import { lastValues, loadRun, refreshRun, type RunData } from './state.js';
import { groupRuns } from './groups.js';
import { drawCompare, drawHistograms, drawMedia, drawScalars, type ViewOptions } from './views.js';

type Tab = 'scalars' | 'histograms' | 'media' | 'compare';
const TABS: Tab[] = ['scalars', 'histograms', 'media', 'compare'];
/** Poll period; `?poll=<ms>` (at least 200) changes it, the browser test uses a short one. */
const POLL_MS = Math.max(200, Number(new URLSearchParams(location.search).get('poll')) || 2000);

const state = {
  runs: [] as RunInfo[],
  selected: [] as string[],
  data: new Map<string, RunData>(),
  tab: 'scalars' as Tab,
  error: '' as string,
};

const opts: ViewOptions = { smoothing: 0, logScale: false, filter: '', onlyDiffs: false, mediaStep: new Map(), group: false, xAxis: 'step' };
const grids = new Map<Tab, CardGrid>();

function readHash(): void {
  const p = new URLSearchParams(location.hash.slice(1));
  const runs = p.get('runs');
  if (runs) state.selected = runs.split(',').filter((s) => s !== '');
  const tab = p.get('tab') as Tab | null;
  if (tab && TABS.includes(tab)) state.tab = tab;
  opts.group = p.get('group') === '1';
  opts.xAxis = p.get('x') === 'time' ? 'time' : 'step';
  syncControls();
}

/** The toolbar shows the grouping and x-axis choices the hash holds. */
function syncControls(): void {
  const g = document.getElementById('groupseeds') as HTMLInputElement | null;
  if (g) g.checked = opts.group;
  const x = document.getElementById('xaxis') as HTMLSelectElement | null;
  if (x) x.value = opts.xAxis;
}

function writeHash(): void {
  const p = new URLSearchParams();
  if (state.selected.length) p.set('runs', state.selected.join(','));
  p.set('tab', state.tab);
  if (opts.group) p.set('group', '1');
  if (opts.xAxis !== 'step') p.set('x', opts.xAxis);
  history.replaceState(null, '', `#${p.toString()}`);
}

function statusDot(s: RunStatus): HTMLElement {
  return h('span', { class: `dot ${s}`, title: s });
}

function drawSidebar(): void {
  const list = byId('runs');
  byId('run-count').textContent = `${state.runs.length} run${state.runs.length === 1 ? '' : 's'}`;
  if (state.runs.length === 0) {
    fill(list, h('li', { class: 'none' }, 'No runs match. Train one with ', h('code', {}, 'gradlab run mnist-mlp --epochs 3'), '.'));
    return;
  }
  fill(list, ...state.runs.map((r) => {
    const i = state.selected.indexOf(r.id);
    const box = h('input', { type: 'checkbox', checked: i >= 0, title: 'overlay with the selected runs', onclick: (ev: Event) => {
      ev.stopPropagation();
      toggle(r.id, (ev.target as HTMLInputElement).checked);
    } });
    return h('li', { class: `run${i >= 0 ? ' selected' : ''}`, 'data-run': r.id, onclick: () => select([r.id]) },
      box,
      h('div', { class: 'run-main' },
        h('div', { class: 'run-name' }, statusDot(r.status), r.name),
        h('div', { class: 'run-meta' }, `${r.study ?? 'no study'} · ${formatTime(r.startedAt)} · ${r.id}`)),
      i >= 0 && state.selected.length > 1 ? h('i', { class: 'swatch', style: `background:${swatchColor(i)}` }) : null);
  }));
}

/** The colour of the i-th selected run in the charts: per run, or per configuration when seeds are grouped. */
function swatchColor(i: number): string {
  if (opts.group) {
    const runs = selectedData();
    const r = runs.find((d) => d.info.id === state.selected[i]);
    if (r) {
      const gi = groupRuns(runs).findIndex((g) => g.runs.includes(r));
      if (gi >= 0) return PALETTE[gi % PALETTE.length]!;
    }
  }
  return PALETTE[i % PALETTE.length]!;
}

function drawHeader(): void {
  const runs = selectedData();
  const title = byId('title');
  const meta = byId('meta');
  const chips = byId('chips');
  if (state.error) {
    title.textContent = 'Error';
    fill(meta, h('span', { class: 'error' }, state.error));
    fill(chips);
    return;
  }
  if (runs.length === 0) {
    title.textContent = state.runs.length ? 'Select a run' : 'No runs yet';
    fill(meta);
    fill(chips);
    return;
  }
  if (runs.length > 1) {
    title.textContent = `${runs.length} runs`;
    fill(meta, ...runs.map((r) => h('span', { class: 'meta-run' }, h('i', { class: 'swatch', style: `background:${swatchColor(state.selected.indexOf(r.info.id))}` }), r.info.name)));
    fill(chips, ...runs.flatMap((r) => r.diagnostics.map((d) => h('span', { class: 'chip diag-chip', 'data-diag': d.kind, 'data-run': r.info.id, title: d.message }, `⚠ ${r.info.name}: ${d.kind}${d.layer ? ` (${d.layer})` : ''}`))));
    return;
  }
  const r = runs[0]!.info;
  fill(title, statusDot(r.status), r.name);
  const end = r.endedAt ?? Date.now();
  fill(meta, 
    h('span', { class: `badge ${r.status}` }, r.status),
    h('span', {}, r.study ?? 'no study'), h('span', {}, `id ${r.id}`), h('span', {}, `seed ${r.seed ?? '–'}`),
    h('span', {}, `started ${formatTime(r.startedAt)}`), h('span', {}, formatDuration(end - r.startedAt)), h('span', { class: 'muted' }, r.codeVersion),
    r.error ? h('span', { class: 'error' }, r.error) : null);
  const last = lastValues(runs[0]!);
  const pick = [...last.keys()].filter((t) => /^(train|val|test|final)\//.test(t)).sort();
  fill(chips, ...pick.map((t) => h('span', { class: 'chip', 'data-tag': t, 'data-value': String(last.get(t)!.value) }, h('span', {}, t), h('b', {}, formatNumber(last.get(t)!.value)))),
    ...runs[0]!.diagnostics.map((d) => h('span', { class: 'chip diag-chip', 'data-diag': d.kind, title: d.message }, `⚠ ${d.message}`)));
}

function selectedData(): RunData[] {
  return state.selected.map((id) => state.data.get(id)).filter((d): d is RunData => d !== undefined);
}

function draw(): void {
  drawSidebar();
  drawHeader();
  for (const t of TABS) {
    byId(`tab-${t}`).classList.toggle('active', t === state.tab);
    byId(`view-${t}`).hidden = t !== state.tab;
  }
  byId('scalar-tools').hidden = state.tab !== 'scalars';
  byId('compare-tools').hidden = state.tab !== 'compare';
  byId('filter').hidden = state.tab === 'compare';
  const grid = grids.get(state.tab)!;
  const runs = selectedData();
  if (state.tab === 'scalars') drawScalars(grid, runs, opts);
  else if (state.tab === 'histograms') drawHistograms(grid, runs, opts);
  else if (state.tab === 'media') drawMedia(grid, runs, opts);
  else drawCompare(grid, runs, opts);
  document.body.dataset['ready'] = String(runs.length);
}

async function ensureLoaded(): Promise<void> {
  state.error = '';
  for (const id of state.selected) {
    if (state.data.has(id)) continue;
    try {
      const d = await loadRun(id);
      state.data.set(id, d);
      if (d.info.id !== id) state.selected = state.selected.map((s) => (s === id ? d.info.id : s)); // a prefix or name was given
    } catch (e) {
      state.selected = state.selected.filter((s) => s !== id);
      state.error = e instanceof ApiError ? e.message : String(e);
    }
  }
}

async function select(ids: string[]): Promise<void> {
  state.selected = ids;
  opts.mediaStep.clear();
  writeHash();
  await ensureLoaded();
  draw();
}

async function toggle(id: string, on: boolean): Promise<void> {
  const next = on ? [...state.selected.filter((s) => s !== id), id] : state.selected.filter((s) => s !== id);
  await select(next);
}

async function loadRuns(): Promise<void> {
  const p = new URLSearchParams();
  const search = byId<HTMLInputElement>('search').value.trim();
  const study = byId<HTMLSelectElement>('study').value;
  const status = byId<HTMLSelectElement>('status').value;
  if (search) p.set('search', search);
  if (study) p.set('study', study);
  if (status) p.set('status', status);
  const a = await getJson<{ runs: RunInfo[]; studies: { study: string | null; runs: number }[] }>(`/api/runs?${p.toString()}`);
  state.runs = a.runs;
  const sel = byId<HTMLSelectElement>('study');
  const have = Array.from(sel.options).map((o) => o.value).join('\n');
  const want = ['', ...a.studies.filter((s) => s.study !== null).map((s) => s.study!)];
  if (have !== want.join('\n')) {
    fill(sel, ...want.map((s) => h('option', { value: s, selected: s === study }, s === '' ? 'All studies' : s)));
  }
}

async function poll(): Promise<void> {
  let changed = false;
  try {
    const before = JSON.stringify(state.runs.map((r) => [r.id, r.status]));
    await loadRuns();
    changed = before !== JSON.stringify(state.runs.map((r) => [r.id, r.status]));
    for (const d of selectedData()) if (await refreshRun(d)) changed = true;
    byId('live').classList.remove('offline');
  } catch {
    byId('live').classList.add('offline');
  }
  if (changed) draw();
  else if (state.selected.some((id) => state.data.get(id)?.info.status === 'running')) drawHeader(); // the duration ticks
  setTimeout(() => void poll(), POLL_MS);
}

function wire(): void {
  for (const t of TABS) byId(`tab-${t}`).addEventListener('click', () => { state.tab = t; writeHash(); draw(); });
  let timer = 0;
  const refilter = (): void => {
    clearTimeout(timer);
    timer = window.setTimeout(() => void loadRuns().then(draw), 150);
  };
  byId('search').addEventListener('input', refilter);
  byId('study').addEventListener('change', refilter);
  byId('status').addEventListener('change', refilter);
  const smooth = byId<HTMLInputElement>('smoothing');
  smooth.addEventListener('input', () => {
    opts.smoothing = Number(smooth.value);
    byId('smoothing-value').textContent = opts.smoothing.toFixed(2);
    draw();
  });
  byId<HTMLInputElement>('logscale').addEventListener('change', (ev) => { opts.logScale = (ev.target as HTMLInputElement).checked; draw(); });
  byId<HTMLInputElement>('groupseeds').addEventListener('change', (ev) => { opts.group = (ev.target as HTMLInputElement).checked; writeHash(); draw(); });
  byId<HTMLSelectElement>('xaxis').addEventListener('change', (ev) => { opts.xAxis = (ev.target as HTMLSelectElement).value === 'time' ? 'time' : 'step'; writeHash(); draw(); });
  byId<HTMLInputElement>('onlydiffs').addEventListener('change', (ev) => { opts.onlyDiffs = (ev.target as HTMLInputElement).checked; draw(); });
  byId<HTMLInputElement>('filter').addEventListener('input', (ev) => { opts.filter = (ev.target as HTMLInputElement).value.trim(); draw(); });
  byId('clear').addEventListener('click', () => void select([]));
  window.addEventListener('hashchange', () => { readHash(); void ensureLoaded().then(draw); });
  let resize = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resize);
    resize = window.setTimeout(() => { for (const g of grids.values()) g.clear(); draw(); }, 200);
  });
}

async function main(): Promise<void> {
  for (const t of TABS) grids.set(t, new CardGrid(byId(`view-${t}`)));
  readHash();
  wire();
  try {
    await loadRuns();
  } catch (e) {
    state.error = `cannot reach the dashboard server: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (state.selected.length === 0 && state.runs.length > 0) state.selected = [state.runs[0]!.id];
  await ensureLoaded();
  writeHash();
  draw();
  setTimeout(() => void poll(), POLL_MS);
}

void main();
