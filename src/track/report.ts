/**
 * Per-run reports: `writeRunReport(store, runId, outDir)` writes `<name>-<id>.html`, one
 * self-contained page (run details, final metrics, config, every scalar chart, weight and
 * gradient histograms over time, and the latest step of every image, heat-map, matrix, curve,
 * point set, figure and text, all as inline SVG or data: URIs), and `<name>-<id>.md`, a
 * Markdown summary (details, config, final metrics, list of figures). Studies call it at the
 * end of every run; `gradlab report <run>` calls it by hand. Study reports: report-study.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { esc, figureHtml, mdEsc, mdTable, page, showValue, table, type Figure } from './report-html.js';
import {
  VL_CONFIG, curvesSpec, downsample, formatNumber, groupScalarTags, heatAlpha, histogramSpec, matrixSpec, pointsSpec, scalarChartSpec,
} from './report-specs.js';
import { renderSvgWithNotes } from './report-svg.js';
import { diagnoseRun } from './diagnostics.js';
import type { RunStore } from './store.js';
import type { MediaRecord, RunInfo } from './types.js';

export interface ReportFiles {
  /** Absolute paths of the files written. */
  html: string;
  md: string;
}

/** A file-name-safe version of a name. */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'run';
}

export function runFileBase(run: RunInfo): string {
  return run.name.endsWith(run.id) ? slug(run.name) : `${slug(run.name)}-${run.id}`;
}

/**
 * The run's duration. A study finishes all its variants' runs when the whole study ends, so the
 * time of the run's last record (`lastRecordMs`, see lastRecordMs()) is its end when known.
 */
export function durationText(run: RunInfo, lastRecordMs?: number | null): string {
  const end = lastRecordMs != null && Number.isFinite(lastRecordMs) ? Math.min(lastRecordMs, run.endedAt ?? Infinity) : run.endedAt ?? Date.now();
  const s = Math.round(Math.max(0, end - run.startedAt) / 1000);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Milliseconds since the epoch of the run's last scalar, histogram or media record (null: none). */
export function lastRecordMs(store: RunStore, runId: string): number | null {
  let wall = -Infinity;
  for (const p of store.scalars(runId)) if (p.wallTime > wall) wall = p.wallTime;
  for (const h of store.histograms(runId)) if (h.wallTime > wall) wall = h.wallTime;
  for (const m of store.media(runId)) if (m.wallTime > wall) wall = m.wallTime;
  return Number.isFinite(wall) ? wall * 1000 : null;
}

/** Histogram steps drawn at most per tag (evenly spaced, first and last kept): a report stays small whatever the epoch count. */
export const MAX_HISTOGRAM_STEPS = 24;
/** Histogram cells drawn at most over all of a report's histograms (~150 bytes of SVG each). */
export const HISTOGRAM_CELL_BUDGET = 8000;
/** Points drawn at most per scalar series. */
export const MAX_CURVE_POINTS = 300;

/** A spec without per-mark tooltips and ARIA labels: the same picture in about half the SVG bytes. */
function compactSpec(spec: Record<string, unknown>): Record<string, unknown> {
  const enc = { ...(spec['encoding'] as Record<string, unknown>) };
  delete enc['tooltip'];
  const mark = typeof spec['mark'] === 'object' && spec['mark'] !== null ? { ...(spec['mark'] as object), tooltip: false, aria: false } : spec['mark'];
  return { ...spec, mark, encoding: enc, config: { ...(spec['config'] as object), aria: false } };
}

async function svgFigure(id: string, title: string, kind: string, spec: object): Promise<Figure> {
  try {
    const r = await renderSvgWithNotes(spec as Record<string, unknown>);
    return { id, title, kind, html: r.svg + r.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('') };
  } catch (e) {
    return { id, title, kind, html: `<p class="error">${esc(e instanceof Error ? e.message : String(e))}</p>` };
  }
}

function caption(c: string | undefined): string {
  return c ? `<div class="caption">${esc(c)}</div>` : '';
}

async function mediaFigure(id: string, m: MediaRecord): Promise<Figure> {
  const title = `${m.tag} (step ${m.step})`;
  switch (m.kind) {
    case 'image': {
      const scale = Math.max(1, Math.min(8, Math.floor(280 / Math.max(1, m.data.width))));
      const src = `data:image/png;base64,${Buffer.from(m.data.png).toString('base64')}`;
      return { id, title, kind: m.kind, html: `<img class="px" alt="${esc(m.tag)}" width="${m.data.width * scale}" src="${src}">${caption(m.data.caption)}` };
    }
    case 'heatmap': {
      const a = heatAlpha(m.data.weights);
      const spans = m.data.tokens.map((t, i) =>
        `<span class="tok" title="${esc(formatNumber(m.data.weights[i]))}" style="background:rgba(228,87,86,${a[i]!.toFixed(3)});color:${a[i]! > 0.6 ? '#fff' : '#1f2933'}">${esc(t)}</span>`);
      return { id, title, kind: m.kind, html: `<div>${spans.join(' ')}</div>${caption(m.data.caption)}` };
    }
    case 'matrix':
      return svgFigure(id, title, m.kind, matrixSpec('', m.data));
    case 'curve':
      return svgFigure(id, title, m.kind, curvesSpec('', m.data));
    case 'points':
      return svgFigure(id, title, m.kind, pointsSpec('', m.data));
    case 'figure':
      if (m.data.format === 'svg') {
        return { id, title, kind: m.kind, html: `<img alt="${esc(m.tag)}" src="data:image/svg+xml;base64,${Buffer.from(m.data.svg).toString('base64')}">${caption(m.data.caption)}` };
      }
      return svgFigure(id, title, m.kind, { config: VL_CONFIG, ...m.data.spec });
    case 'text':
      return { id, title, kind: m.kind, html: `<pre>${esc(m.data.text)}</pre>` };
  }
}

/** Every figure of a run, in report order: scalars, histograms, then media by kind and tag. */
export async function runFigures(store: RunStore, run: RunInfo): Promise<Figure[]> {
  const figs: Figure[] = [];
  const next = (): string => `fig-${figs.length + 1}`;
  const scalars = new Map<string, { step: number; value: number }[]>();
  for (const p of store.scalars(run.id)) {
    const list = scalars.get(p.tag);
    if (list) list.push(p);
    else scalars.set(p.tag, [p]);
  }
  for (const g of groupScalarTags([...scalars.keys()])) {
    const series = g.tags.map((t) => ({ name: t, points: downsample(scalars.get(t)!, MAX_CURVE_POINTS) }));
    figs.push(await svgFigure(next(), g.tags.length > 1 ? `${g.chart} (${g.tags.join(', ')})` : g.chart, 'scalars', scalarChartSpec({ title: '', series, width: 500, height: 240 })));
  }
  const hists = new Map<string, ReturnType<RunStore['histograms']>>();
  for (const h of store.histograms(run.id)) {
    const list = hists.get(h.tag);
    if (list) list.push(h);
    else hists.set(h.tag, [h]);
  }
  const order = (t: string): number => (t.startsWith('weights/') ? 0 : t.startsWith('grads/') ? 1 : 2);
  // Steps per histogram: within the cell budget over all of them, at least 2, at most MAX_HISTOGRAM_STEPS.
  const buckets = Math.max(1, ...[...hists.values()].map((l) => l[0]?.counts.length ?? 1));
  const perTag = Math.max(2, Math.min(MAX_HISTOGRAM_STEPS, Math.floor(HISTOGRAM_CELL_BUDGET / Math.max(1, hists.size * buckets))));
  for (const tag of [...hists.keys()].sort((a, b) => order(a) - order(b) || a.localeCompare(b))) {
    const all = hists.get(tag)!;
    const shown = downsample(all, perTag);
    const title = `${tag} over steps${shown.length < all.length ? ` (${shown.length} of ${all.length} steps)` : ''}`;
    figs.push(await svgFigure(next(), title, 'histogram', compactSpec(histogramSpec('', shown, { width: 480 }))));
  }
  const latest = new Map<string, MediaRecord>();
  for (const m of store.media(run.id)) latest.set(`${m.kind}\u0000${m.tag}`, m); // ordered by kind, tag, step, id
  for (const m of latest.values()) {
    const id = next();
    try {
      figs.push(await mediaFigure(id, m));
    } catch (e) {
      // A malformed record (a store written by another tool, or by hand) is skipped, and said.
      const why = e instanceof Error ? e.message : String(e);
      figs.push({ id, title: `${m.tag} (step ${m.step})`, kind: m.kind, html: `<p class="error">skipped: this ${esc(m.kind)} record could not be drawn (${esc(why)})</p>` });
    }
  }
  return figs;
}

function detailRows(run: RunInfo, last: number | null): [string, string][] {
  return [
    ['id', run.id], ['study', run.study ?? '–'], ['status', run.status + (run.error ? ` (${run.error})` : '')],
    ['started', new Date(run.startedAt).toISOString()], ['ended', run.endedAt === null ? '–' : new Date(run.endedAt).toISOString()],
    ['duration', durationText(run, last)], ['seed', run.seed === null ? '–' : String(run.seed)], ['code version', run.codeVersion], ['host', `${run.hostname} (pid ${run.pid})`],
  ];
}

/** Write the HTML report and the Markdown summary of one run into outDir (created if needed). */
export async function writeRunReport(store: RunStore, runId: string, outDir: string): Promise<ReportFiles> {
  const run = store.getRun(runId);
  const figs = await runFigures(store, run);
  const lastMs = lastRecordMs(store, run.id);
  const diags = diagnoseRun(store, run.id);
  const last = store.lastScalars(run.id);
  const finals = Object.values(last).map((p) => [p.tag, String(p.step), formatNumber(p.value)]);
  const config = Object.entries(run.config).map(([k, v]) => [k, showValue(v)]);
  const base = runFileBase(run);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });

  const html = page(`${run.name} · gradlab report`, [
    `<h1>${esc(run.name)}</h1>`,
    `<div class="meta"><span class="badge ${esc(run.status)}">${esc(run.status)}</span><span>${esc(run.study ?? 'no study')}</span><span>id ${esc(run.id)}</span>` +
      `<span>seed ${esc(run.seed === null ? '–' : String(run.seed))}</span><span>${esc(new Date(run.startedAt).toISOString())}</span><span>${esc(durationText(run, lastMs))}</span><span>${esc(run.codeVersion)}</span></div>`,
    '<div class="cols">',
    `<section><h2>Final metrics</h2>${finals.length ? table(['metric', 'step', 'value'], finals) : '<p>No scalars were logged.</p>'}</section>`,
    `<section><h2>Config</h2>${config.length ? table(['key', 'value'], config) : '<p>No config.</p>'}</section>`,
    `<section><h2>Run</h2>${table(['', ''], detailRows(run, lastMs))}</section>`,
    '</div>',
    diags.length ? `<h2>Diagnostics</h2><ul class="diagnostics">${diags.map((d) => `<li class="diag diag-${esc(d.kind)}">${esc(d.message)}</li>`).join('')}</ul>` : '',
    `<h2>Figures</h2>`, figs.length ? `<div class="figs">${figs.map(figureHtml).join('\n')}</div>` : '<p>Nothing was plotted.</p>',
  ].join('\n'));
  const htmlPath = join(dir, `${base}.html`);
  writeFileSync(htmlPath, html);

  const md = [
    `# ${mdEsc(run.name)}`, '',
    ...detailRows(run, lastMs).map(([k, v]) => `- **${k}**: ${mdEsc(v)}`), '',
    ...(diags.length ? ['## Diagnostics', '', ...diags.map((d) => `- ${mdEsc(d.message)}`), ''] : []),
    '## Config', '', config.length ? mdTable(['key', 'value'], config) : '_No config._', '',
    '## Final metrics', '', finals.length ? mdTable(['metric', 'step', 'value'], finals) : '_No scalars were logged._', '',
    '## Figures', '', `In [${base}.html](${encodeURI(base)}.html):`, '',
    ...figs.map((f, i) => `${i + 1}. [${mdEsc(f.title)}](${encodeURI(base)}.html#${f.id}) (${f.kind})`), '',
  ].join('\n');
  const mdPath = join(dir, `${base}.md`);
  writeFileSync(mdPath, md);
  return { html: htmlPath, md: mdPath };
}
