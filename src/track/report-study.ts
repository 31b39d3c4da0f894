/**
 * Study reports: `writeStudyReport(store, study, outDir)` writes `study-<study>.html` and
 * `.md` comparing every run of a study (a table of the config keys that differ and the final
 * metrics, one row per run; every scalar chart with all runs overlaid, colour per run, dash per
 * split), and the report of each run next to them, linked from the table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeRunReport, durationText, runFileBase, slug, type ReportFiles } from './report.js';
import { esc, figureHtml, mdEsc, mdTable, page, showValue, table, type Figure } from './report-html.js';
import { PALETTE, formatNumber, groupScalarTags, scalarChartSpec, splitDash, type CurveSeriesInput } from './report-specs.js';
import { renderSvg } from './report-svg.js';
import type { RunStore } from './store.js';

export interface StudyReportFiles extends ReportFiles {
  /** The per-run reports written alongside, newest run first. */
  runs: ReportFiles[];
}

/** Write the comparison report of a study and the report of each of its runs. */
export async function writeStudyReport(store: RunStore, study: string, outDir: string): Promise<StudyReportFiles> {
  const runs = store.listRuns({ study });
  if (runs.length === 0) {
    const known = store.studies().map((s) => `${s.study ?? '(none)'} (${s.runs} runs)`).join(', ');
    throw new Error(`report: no runs of study '${study}' in ${store.path}; studies there: ${known || 'none'}`);
  }
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const runFiles: ReportFiles[] = [];
  for (const r of runs) runFiles.push(await writeRunReport(store, r.id, dir));

  const lasts = runs.map((r) => store.lastScalars(r.id));
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.config)))].sort();
  const differing = keys.filter((k) => new Set(runs.map((r) => JSON.stringify(r.config[k] ?? null))).size > 1);
  const shownKeys = runs.length > 1 ? differing : keys;
  const metricTags = [...new Set(lasts.flatMap((l) => Object.keys(l)))].filter((t) => /^(train|val|valid|validation|test)\//.test(t)).sort();
  const head = ['run', 'status', 'seed', 'duration', ...shownKeys, ...metricTags];
  const rows = runs.map((r, i) => [
    r.name, r.status, r.seed === null ? '–' : String(r.seed), durationText(r),
    ...shownKeys.map((k) => showValue(r.config[k])), ...metricTags.map((t) => formatNumber(lasts[i]![t]?.value)),
  ]);

  // Overlaid scalar charts: colour per run, dash per split.
  const points = runs.map((r) => {
    const m = new Map<string, { step: number; value: number }[]>();
    for (const p of store.scalars(r.id)) {
      const l = m.get(p.tag);
      if (l) l.push(p);
      else m.set(p.tag, [p]);
    }
    return m;
  });
  const figs: Figure[] = [];
  for (const g of groupScalarTags([...new Set(points.flatMap((m) => [...m.keys()]))])) {
    const series: CurveSeriesInput[] = [];
    runs.forEach((r, i) => {
      for (const t of g.tags) {
        const p = points[i]!.get(t);
        if (p) series.push({ name: `${r.name} · ${t}`, points: p, color: PALETTE[i % PALETTE.length]!, dash: splitDash(t) });
      }
    });
    const id = `fig-${figs.length + 1}`;
    let html: string;
    try {
      html = await renderSvg(scalarChartSpec({ title: '', series, width: 520, height: 260 }));
    } catch (e) {
      html = `<p class="error">${esc(e instanceof Error ? e.message : String(e))}</p>`;
    }
    figs.push({ id, title: g.chart, kind: 'scalars', html });
  }

  const base = `study-${slug(study)}`;
  const links = runs.map((r, i) => ({ html: `<a href="${esc(encodeURI(runFileBase(r)))}.html">${esc(r.name)}</a>`, i }));
  const html = page(`${study} · gradlab study report`, [
    `<h1>Study ${esc(study)}</h1>`,
    `<div class="meta"><span>${runs.length} run${runs.length === 1 ? '' : 's'}</span><span>${esc(store.path)}</span></div>`,
    `<h2>Runs</h2>`,
    table(head, rows.map((r, i) => [links[i]!, ...r.slice(1)])),
    runs.length > 1 && differing.length === 0 ? '<p>All runs have the same config.</p>' : '',
    `<h2>Curves</h2>`, figs.length ? `<div class="figs">${figs.map(figureHtml).join('\n')}</div>` : '<p>No scalars were logged.</p>',
  ].join('\n'));
  const htmlPath = join(dir, `${base}.html`);
  writeFileSync(htmlPath, html);

  const md = [
    `# Study ${mdEsc(study)}`, '', `${runs.length} run${runs.length === 1 ? '' : 's'} in ${mdEsc(store.path)}.`, '',
    '## Runs', '', mdTable(head, rows), '',
    '## Figures', '', `In [${base}.html](${encodeURI(base)}.html):`, '',
    ...figs.map((f, i) => `${i + 1}. [${mdEsc(f.title)}](${encodeURI(base)}.html#${f.id}) (all runs overlaid)`), '',
    '## Run reports', '', ...runs.map((r) => `- [${mdEsc(r.name)}](${encodeURI(runFileBase(r))}.md) (${r.id}, ${r.status})`), '',
  ].join('\n');
  const mdPath = join(dir, `${base}.md`);
  writeFileSync(mdPath, md);
  return { html: htmlPath, md: mdPath, runs: runFiles };
}
