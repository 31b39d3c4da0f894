/**
 * The four views of the dashboard page, each drawing the selected runs into a CardGrid:
 * Scalars (curves per metric, train/val/test and several runs overlaid, smoothing, log scale),
 * Histograms (weights and gradients over time as heat-maps), Media (images, text heat-maps,
 * matrices, curves, point sets, figures, text; a step slider per tag) and Compare (configs and
 * final metrics side by side).
 */
import { groupCurve, groupRuns, runLabels, toCsv, toJson, xOf, type ChartData, type XAxis } from './groups.js';
import {
  PALETTE, VL_CONFIG, bandChartSpec, curvesSpec, parallelSpec, splitDash, type BandSeriesInput, type ParallelLine, type CurveSeriesInput, formatNumber, groupScalarTags, heatAlpha, histogramSpec, matrixSpec, pointsSpec, scalarChartSpec,
} from '../../track/report-specs.js';
import type { CurveData, MatrixData, PointsData } from '../../track/types.js';
import { CardGrid, drawSpec, fill, formatDuration, formatTime, h, widthOf } from './dom.js';
import { lastValues, type PageMedia, type RunData } from './state.js';

export interface ViewOptions {
  smoothing: number;
  logScale: boolean;
  /** Substring that tags must contain (empty: all). */
  filter: string;
  onlyDiffs: boolean;
  /** Chosen step per media tag key (`kind:tag`); absent: the latest. */
  mediaStep: Map<string, number>;
  /** Draw runs of one configuration (seeds) as one group: mean line and 95% CI band. */
  group: boolean;
  /** x axis of the scalar charts: the step, or seconds since each run started. */
  xAxis: XAxis;
}

function matches(tag: string, filter: string): boolean {
  return filter === '' || tag.toLowerCase().includes(filter.toLowerCase());
}

/** A note when several runs are selected but the view shows one. */
function firstOnly(runs: RunData[], what: string): { key: string; title: string; extraClass: string }[] {
  return runs.length > 1 ? [{ key: '__first', title: `${what} of ${runs[0]!.info.name} (the first of the ${runs.length} selected runs)`, extraClass: 'heading note' }] : [];
}

function empty(grid: CardGrid, text: string): void {
  grid.sync([{ key: '__empty', title: text, extraClass: 'empty' }]);
}

/** Two small buttons that download a chart's data as CSV or JSON (built when clicked). */
function downloads(name: string, data: () => ChartData): HTMLElement {
  const save = (ext: 'csv' | 'json'): void => {
    const d = data();
    const blob = new Blob([ext === 'csv' ? toCsv(d) : toJson(d)], { type: ext === 'csv' ? 'text/csv' : 'application/json' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.${ext}` });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  };
  return h('span', { class: 'downloads' },
    h('button', { type: 'button', class: 'dl dl-csv', title: 'download this chart\'s data as CSV', onclick: () => save('csv') }, 'CSV'),
    h('button', { type: 'button', class: 'dl dl-json', title: 'download this chart\'s data as JSON', onclick: () => save('json') }, 'JSON'));
}

const X_TITLE: Record<XAxis, string> = { step: 'step', time: 'seconds since the run started' };

export function drawScalars(grid: CardGrid, runs: RunData[], o: ViewOptions): void {
  const tags = new Set<string>();
  for (const r of runs) for (const t of r.scalars.keys()) if (matches(t, o.filter)) tags.add(t);
  if (tags.size === 0) return empty(grid, runs.length ? 'No scalars logged yet' + (o.filter ? ` matching '${o.filter}'` : '') : 'Select a run');
  const groups = groupScalarTags([...tags]);
  const cards = grid.sync(groups.map((g) => ({ key: g.chart, title: g.chart })));
  const seedGroups = o.group && runs.length > 1 ? groupRuns(runs) : null;
  const labels = runLabels(runs);
  for (const g of groups) {
    const c = cards.get(g.chart)!;
    const finals: Node[] = [];
    if (seedGroups) {
      // One line per configuration and split: the mean over its runs (seeds) with a 95% CI band.
      const series: BandSeriesInput[] = [];
      const rows: (string | number | null)[][] = [];
      seedGroups.forEach((grp, gi) => {
        for (const tag of g.tags) {
          const pts = groupCurve(grp, tag, o.xAxis);
          if (pts.length === 0) continue;
          const name = `${grp.label} · ${tag}`;
          const color = PALETTE[gi % PALETTE.length]!;
          const dash = splitDash(tag);
          series.push({ name, points: pts, color, dash });
          for (const p of pts) rows.push([grp.label, tag, p.step, p.mean, p.lo, p.hi, p.n]);
          const last = pts[pts.length - 1]!;
          finals.push(h('span', { class: 'final', 'data-tag': tag, 'data-group': grp.label, 'data-n': String(last.n), 'data-value': String(last.mean), 'data-lo': String(last.lo), 'data-hi': String(last.hi) },
            h('i', { class: `swatch${dash[0] === 1 ? '' : ' dashed'}`, style: `background:${color}; color:${color}` }), name, h('b', {}, formatNumber(last.mean)),
            h('span', { class: 'muted' }, last.n > 1 ? `[${formatNumber(last.lo)}, ${formatNumber(last.hi)}] · ${last.n} runs` : '1 run')));
        }
      });
      fill(c.sub, ...finals, downloads(g.chart, () => ({ columns: ['group', 'tag', o.xAxis === 'step' ? 'step' : 'seconds', 'mean', 'ci_low', 'ci_high', 'n'], rows })));
      void drawSpec(c.body, bandChartSpec({ title: '', series, logScale: o.logScale, width: widthOf(c.body), height: 230, legend: false, xTitle: X_TITLE[o.xAxis] }));
      continue;
    }
    const series: CurveSeriesInput[] = [];
    const rows: (string | number | null)[][] = [];
    runs.forEach((r, ri) => {
      for (const tag of g.tags) {
        const pts = r.scalars.get(tag);
        if (!pts || pts.length === 0) continue;
        // One run: a colour per tag. Several: a colour per run, a dash pattern per split. Series are
        // keyed by run id (two runs with one name stay two lines).
        const many = runs.length > 1;
        const name = many ? `${labels.get(r.info.id)} · ${tag}` : tag;
        const color = PALETTE[(many ? ri : series.length) % PALETTE.length]!;
        const dash = many ? splitDash(tag) : [1, 0];
        series.push({ name, points: pts.map((p) => ({ step: xOf(r, p, o.xAxis), value: p.value })), color, dash });
        for (const p of pts) rows.push([r.info.id, r.info.name, tag, p.step, p.wallTime, p.value]);
        const last = pts[pts.length - 1]!;
        finals.push(h('span', { class: 'final', 'data-tag': tag, 'data-run': r.info.id, 'data-value': String(last.value) },
          h('i', { class: `swatch${dash[0] === 1 ? '' : ' dashed'}`, style: `background:${color}; color:${color}` }), name, h('b', {}, formatNumber(last.value)), h('span', { class: 'muted' }, `step ${last.step}`)));
      }
    });
    fill(c.sub, ...finals, downloads(g.chart, () => ({ columns: ['run', 'name', 'tag', 'step', 'wall_time', 'value'], rows })));
    void drawSpec(c.body, scalarChartSpec({ title: '', series, smoothing: o.smoothing, logScale: o.logScale, width: widthOf(c.body), height: 230, legend: false, xTitle: X_TITLE[o.xAxis] }));
  }
}

export function drawHistograms(grid: CardGrid, runs: RunData[], o: ViewOptions): void {
  const run = runs[0];
  if (!run) return empty(grid, 'Select a run');
  const tags = [...run.histograms.keys()].filter((t) => matches(t, o.filter)).sort((a, b) => {
    const ga = a.startsWith('weights/') ? 0 : a.startsWith('grads/') ? 1 : 2;
    const gb = b.startsWith('weights/') ? 0 : b.startsWith('grads/') ? 1 : 2;
    return ga - gb || a.localeCompare(b);
  });
  if (tags.length === 0) return empty(grid, 'No histograms logged' + (o.filter ? ` matching '${o.filter}'` : ''));
  const cards = grid.sync([...firstOnly(runs, 'Histograms'), ...tags.map((t) => ({ key: t, title: t }))]);
  for (const t of tags) {
    const c = cards.get(t)!;
    const hs = run.histograms.get(t)!;
    const last = hs[hs.length - 1]!;
    const mean = last.num - last.nanCount > 0 ? (last.sum ?? NaN) / (last.num - last.nanCount) : NaN;
    const std = Math.sqrt(Math.max(0, (last.sumSquares ?? NaN) / (last.num - last.nanCount) - mean * mean));
    fill(c.sub, h('span', { class: 'final', 'data-tag': t, 'data-step': String(last.step), 'data-mean': String(mean) },
      `step ${last.step} · n ${last.num} · mean `, h('b', {}, formatNumber(mean)), ` · std ${formatNumber(std)} · range [${formatNumber(last.min)}, ${formatNumber(last.max)}]`,
      last.nanCount ? h('span', { class: 'warn' }, ` · ${last.nanCount} NaN`) : null));
    void drawSpec(c.body, histogramSpec('', hs.map((x) => ({ step: x.step, limits: x.limits, counts: x.counts, min: x.min })), { width: widthOf(c.body) }));
  }
}

/** Draw one media record; a malformed one (written by another tool or by hand) is skipped with a note. */
function mediaBody(m: PageMedia, body: HTMLElement): void {
  try {
    drawMediaRecord(m, body);
  } catch (e) {
    fill(body, h('div', { class: 'error' }, `skipped: this ${m.kind} record could not be drawn (${e instanceof Error ? e.message : String(e)})`));
  }
}

function drawMediaRecord(m: PageMedia, body: HTMLElement): void {
  const d = m.data;
  const caption = typeof d['caption'] === 'string' ? h('div', { class: 'caption' }, d['caption']) : null;
  switch (m.kind) {
    case 'image': {
      const w = Number(d['width']);
      const scale = Math.max(1, Math.min(8, Math.floor(320 / Math.max(1, w))));
      fill(body, h('img', { class: 'pixelated', src: String(d['url']), width: w * scale, alt: `${m.tag} at step ${m.step}` }), caption);
      return;
    }
    case 'heatmap': {
      const tokens = d['tokens'] as string[];
      const weights = (d['weights'] as (number | null)[]).map((v) => (v === null ? NaN : v));
      const alpha = heatAlpha(weights);
      fill(body, h('div', { class: 'tokens' }, tokens.map((t, i) =>
        h('span', { class: 'tok', title: `${t}: ${formatNumber(weights[i])}`, 'data-weight': String(weights[i]), style: `background: rgba(228, 87, 86, ${alpha[i]!.toFixed(3)}); color: ${alpha[i]! > 0.6 ? '#fff' : '#1f2933'}` }, t))), caption);
      return;
    }
    case 'matrix':
      void drawSpec(body, matrixSpec('', d as unknown as MatrixData));
      return;
    case 'curve':
      void drawSpec(body, curvesSpec('', d as unknown as CurveData, { width: Math.min(360, widthOf(body) - 20) }));
      return;
    case 'points':
      void drawSpec(body, pointsSpec('', d as unknown as PointsData, { width: Math.min(420, widthOf(body) - 90) }));
      return;
    case 'figure':
      if (d['format'] === 'svg') fill(body, h('img', { src: String(d['url']), alt: m.tag, class: 'figure' }), caption);
      else void drawSpec(body, { config: VL_CONFIG, ...(d['spec'] as object) });
      return;
    case 'text':
      fill(body, h('pre', { class: 'text' }, String(d['text'])));
      return;
  }
}

const KIND_TITLES: Record<string, string> = { image: 'Images', heatmap: 'Text heat-maps', matrix: 'Matrices', curve: 'Curves', points: 'Point sets', figure: 'Figures', text: 'Text' };

export function drawMedia(grid: CardGrid, runs: RunData[], o: ViewOptions): void {
  const run = runs[0];
  if (!run) return empty(grid, 'Select a run');
  const byKey = new Map<string, PageMedia[]>();
  for (const m of run.media) {
    if (!matches(m.tag, o.filter)) continue;
    const k = `${m.kind}:${m.tag}`;
    const list = byKey.get(k);
    if (list) list.push(m);
    else byKey.set(k, [m]);
  }
  if (byKey.size === 0) return empty(grid, 'No media logged' + (o.filter ? ` matching '${o.filter}'` : '') + ' (images, heat-maps, matrices, curves, points, figures, text)');
  const kinds = Object.keys(KIND_TITLES);
  const keys = [...byKey.keys()].sort((a, b) => kinds.indexOf(a.split(':')[0]!) - kinds.indexOf(b.split(':')[0]!) || a.localeCompare(b));
  const items: { key: string; title: string; extraClass?: string }[] = firstOnly(runs, 'Media');
  let lastKind = '';
  for (const k of keys) {
    const kind = k.split(':')[0]!;
    if (kind !== lastKind) items.push({ key: `__head:${kind}`, title: KIND_TITLES[kind] ?? kind, extraClass: 'heading' });
    lastKind = kind;
    const wide = kind === 'heatmap' || kind === 'text' || kind === 'figure';
    items.push({ key: k, title: k.slice(kind.length + 1), extraClass: `media-${kind}${wide ? ' wide' : ''}` });
  }
  const cards = grid.sync(items);
  for (const k of keys) {
    const c = cards.get(k)!;
    const list = byKey.get(k)!.slice().sort((a, b) => a.step - b.step || a.id - b.id);
    const want = o.mediaStep.get(k);
    const idx = want === undefined ? list.length - 1 : Math.max(0, list.findIndex((m) => m.step === want));
    const m = list[idx]!;
    const label = h('span', {}, `step ${m.step}`);
    const slider = list.length > 1
      ? h('input', { type: 'range', min: 0, max: list.length - 1, value: idx, class: 'step-slider', 'aria-label': `step of ${k}`, oninput: (ev: Event) => {
          const i = Number((ev.target as HTMLInputElement).value);
          o.mediaStep.set(k, list[i]!.step);
          label.textContent = `step ${list[i]!.step}`;
          mediaBody(list[i]!, c.body);
        } })
      : null;
    const shown = c.card.getAttribute('data-shown');
    if (shown === String(m.id)) continue; // nothing new for this tag
    c.card.setAttribute('data-shown', String(m.id));
    fill(c.sub, label, slider, list.length > 1 ? h('span', { class: 'muted' }, ` ${list.length} steps`) : null);
    mediaBody(m, c.body);
  }
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function drawCompare(grid: CardGrid, runs: RunData[], o: ViewOptions): void {
  if (runs.length === 0) return empty(grid, 'Select runs to compare (tick several in the list)');
  const lasts = runs.map(lastValues);
  // Parallel coordinates: the numeric config keys that differ and the final val/test metrics, one
  // line per run, coloured by configuration (a configuration's seeds share a colour).
  const numKeys = [...new Set(runs.flatMap((r) => Object.keys(r.info.config)))].sort()
    .filter((k) => runs.every((r) => typeof r.info.config[k] === 'number') && new Set(runs.map((r) => r.info.config[k])).size > 1);
  const metricAxes = [...new Set(lasts.flatMap((l) => [...l.keys()]))].filter((t) => /^(val|test|final|best)\//.test(t) && !/auc_|bestEpoch/.test(t)).sort();
  const axes = [...numKeys, ...(runs.some((r) => r.info.seed !== null) ? ['seed'] : []), ...metricAxes];
  const parallel = runs.length > 1 && axes.length > 1;
  const cards = grid.sync([
    { key: 'compare', title: runs.length > 1 ? `${runs.length} runs side by side` : 'Run details', extraClass: 'wide' },
    ...(parallel ? [{ key: 'parallel', title: 'Parallel coordinates (one line per run, colour per configuration)', extraClass: 'wide' }] : []),
  ]);
  const c = cards.get('compare')!;
  if (parallel) {
    const p = cards.get('parallel')!;
    const lines: ParallelLine[] = runs.map((r, i) => ({
      line: `${r.info.name} (${r.info.id})`, group: r.info.name,
      values: Object.fromEntries(axes.map((a) => [a, a === 'seed' ? r.info.seed : numKeys.includes(a) ? (r.info.config[a] as number) : lasts[i]!.get(a)?.value ?? null])),
    }));
    const rows = lines.flatMap((l) => axes.map((a) => [l.line, l.group, a, l.values[a] ?? null]));
    fill(p.sub, downloads('parallel-coordinates', () => ({ columns: ['run', 'configuration', 'axis', 'value'], rows })));
    void drawSpec(p.body, parallelSpec('', lines, axes, { width: widthOf(p.body) - 20, height: 260 }));
  }
  const rows: { section: string; label: string; values: unknown[]; better?: 'min' | 'max' }[] = [];
  const info = (label: string, f: (r: RunData) => unknown): void => void rows.push({ section: 'Run', label, values: runs.map(f) });
  info('id', (r) => r.info.id);
  info('study', (r) => r.info.study);
  info('status', (r) => r.info.status);
  info('started', (r) => formatTime(r.info.startedAt));
  info('duration', (r) => formatDuration((r.info.endedAt ?? Date.now()) - r.info.startedAt));
  info('seed', (r) => r.info.seed);
  info('code version', (r) => r.info.codeVersion);
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.info.config)))].sort();
  for (const k of keys) rows.push({ section: 'Config', label: k, values: runs.map((r) => r.info.config[k]) });
  const tags = [...new Set(lasts.flatMap((l) => [...l.keys()]))].sort();
  for (const t of tags) {
    rows.push({ section: 'Final metrics', label: t, values: lasts.map((l) => l.get(t)?.value ?? null), ...(/loss|error/.test(t) ? { better: 'min' as const } : /acc|auc|f1|precision|recall/.test(t) ? { better: 'max' as const } : {}) });
  }
  const table = h('table', { class: 'compare' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), runs.map((r, i) => h('th', {}, h('i', { class: 'swatch', style: `background:${PALETTE[i % PALETTE.length]}` }), r.info.name)))));
  const tbody = h('tbody');
  let section = '';
  for (const row of rows) {
    const shown = row.values.map(cell);
    const differs = new Set(shown).size > 1;
    if (o.onlyDiffs && runs.length > 1 && !differs && row.section !== 'Run') continue;
    if (row.section !== section) {
      section = row.section;
      tbody.append(h('tr', { class: 'section' }, h('td', { colspan: runs.length + 1 }, section)));
    }
    let best = -1;
    if (row.better && runs.length > 1) {
      const nums = row.values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN));
      nums.forEach((v, i) => {
        if (!Number.isNaN(v) && (best < 0 || (row.better === 'min' ? v < nums[best]! : v > nums[best]!))) best = i;
      });
    }
    tbody.append(h('tr', { class: differs && runs.length > 1 ? 'differs' : '', 'data-label': row.label },
      h('th', {}, row.label), shown.map((s, i) => h('td', { class: i === best ? 'best' : '' }, s))));
  }
  table.append(tbody);
  fill(c.body, table);
}
