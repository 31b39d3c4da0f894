/**
 * Study reports: `writeStudyReport(store, study, outDir, opts)` writes `study-<study>.html` and
 * `.md` comparing the runs of a study (every run in the store, or the runs of one command with
 * `opts.runIds`): a table of the config keys that differ and the final metrics, one row per run
 * (durations to each run's last record); with several seeds per configuration, the seed
 * statistics (mean ± 95% CI per configuration), the verdicts on the main metric and the curves as
 * mean lines with 95% bands, else every scalar chart with all runs overlaid (colour per run, dash
 * per split); the original report's numbers beside ours with both conditions; the diagnostics of
 * every run. Plots are downsampled (report.ts) so the page stays small. The report of each run is
 * written next to it (unless `writeRunReports: false`), linked from the table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MAX_CURVE_POINTS, writeRunReport, durationText, lastRecordMs, runFileBase, slug, type ReportFiles } from './report.js';
import { formatSummary, isFraction, pickMainMetric, seedGroups, verdicts } from './aggregate.js';
import { diagnoseRun } from './diagnostics.js';
import { esc, figureHtml, mdEsc, mdTable, page, showValue, table, type Figure } from './report-html.js';
import {
  PALETTE, bandChartSpec, downsample, formatNumber, groupScalarTags, scalarChartSpec, splitDash, type BandSeriesInput, type CurveSeriesInput, type VlSpec,
} from './report-specs.js';
import { renderSvg } from './report-svg.js';
import type { RunStore } from './store.js';

export interface StudyReportFiles extends ReportFiles {
  /** The per-run reports written alongside, newest run first. */
  runs: ReportFiles[];
}

/** A number from the original report (studies/study.ts's ReferenceNumber, by shape). */
export interface ReportReference {
  metric: string;
  value: number;
  variant?: string;
  conditions: string;
}

export interface StudyReportOptions {
  /** Only these runs (one `gradlab run` command); default every run of the study in the store. */
  runIds?: readonly string[];
  /** Write each run's own report too (default true). */
  writeRunReports?: boolean;
  /** Write the study page itself (default true; the --seeds workers leave it to their parent). */
  studyFile?: boolean;
  /** The original report's numbers, shown beside ours. */
  references?: readonly ReportReference[];
  /** Gradlab's conditions in words, set against each reference's. */
  ours?: string;
  /** The metric the verdicts compare. */
  mainMetric?: string;
  lowerIsBetter?: boolean;
}

/** Write the comparison report of a study and the report of each of its runs. */
export async function writeStudyReport(store: RunStore, study: string, outDir: string, o: StudyReportOptions = {}): Promise<StudyReportFiles> {
  const runs = o.runIds ? o.runIds.map((id) => store.getRun(id)) : store.listRuns({ study });
  if (runs.length === 0) {
    const known = store.studies().map((s) => `${s.study ?? '(none)'} (${s.runs} runs)`).join(', ');
    throw new Error(`report: no runs of study '${study}' in ${store.path}; studies there: ${known || 'none'}`);
  }
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const runFiles: ReportFiles[] = [];
  if (o.writeRunReports ?? true) for (const r of runs) runFiles.push(await writeRunReport(store, r.id, dir));
  const base = `study-${slug(study)}`;
  const htmlPath = join(dir, `${base}.html`);
  const mdPath = join(dir, `${base}.md`);
  if (o.studyFile === false) return { html: htmlPath, md: mdPath, runs: runFiles };
  const lastMs = runs.map((r) => lastRecordMs(store, r.id));
  const groups = seedGroups(store, runs);
  const seeded = groups.some((g) => g.runs.length > 1);
  const main = pickMainMetric(groups, o.mainMetric ?? 'test/accuracy');
  const lower = main ? (main.metric === o.mainMetric ? o.lowerIsBetter ?? main.lowerIsBetter : main.lowerIsBetter) : false;
  const vs = main && seeded ? verdicts(groups, main.metric, { lowerIsBetter: lower }) : [];
  const diags = runs.map((r) => ({ run: r, list: diagnoseRun(store, r.id) })).filter((d) => d.list.length > 0);

  const lasts = runs.map((r) => store.lastScalars(r.id));
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.config)))].sort();
  const differing = keys.filter((k) => new Set(runs.map((r) => JSON.stringify(r.config[k] ?? null))).size > 1);
  const shownKeys = runs.length > 1 ? differing : keys;
  const metricTags = [...new Set(lasts.flatMap((l) => Object.keys(l)))].filter((t) => /^(train|val|valid|validation|test)\//.test(t)).sort();
  const head = ['run', 'status', 'seed', 'duration', ...shownKeys, ...metricTags];
  const rows = runs.map((r, i) => [
    r.name, r.status, r.seed === null ? '–' : String(r.seed), durationText(r, lastMs[i]),
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
    // A metric logged once per run (the test scores) is in the tables, not a chart of single points.
    if (points.every((m) => g.tags.every((t) => (m.get(t)?.length ?? 0) <= 1))) continue;
    const id = `fig-${figs.length + 1}`;
    let spec: VlSpec;
    if (seeded) {
      // One line per configuration and split: the mean over seeds, with its 95% CI as a band.
      const series: BandSeriesInput[] = [];
      groups.forEach((grp, i) => {
        for (const t of g.tags) {
          const c = grp.curves.get(t);
          if (c) series.push({ name: `${grp.config} · ${t}`, points: downsample(c, MAX_CURVE_POINTS).map((p) => ({ step: p.step, mean: p.mean, lo: p.ciLow, hi: p.ciHigh, n: p.n })), color: PALETTE[i % PALETTE.length]!, dash: splitDash(t) });
        }
      });
      spec = bandChartSpec({ title: '', series, width: 520, height: 260, logScale: wideRange(series.flatMap((x) => x.points.map((p) => p.mean))) });
    } else {
      const series: CurveSeriesInput[] = [];
      runs.forEach((r, i) => {
        for (const t of g.tags) {
          const p = points[i]!.get(t);
          if (p) series.push({ name: `${r.name} · ${t}`, points: downsample(p, MAX_CURVE_POINTS), color: PALETTE[i % PALETTE.length]!, dash: splitDash(t) });
        }
      });
      spec = scalarChartSpec({ title: '', series, width: 520, height: 260, logScale: wideRange(series.flatMap((x) => x.points.map((p) => p.value ?? NaN))) });
    }
    let html: string;
    try {
      html = await renderSvg(spec);
    } catch (e) {
      html = `<p class="error">${esc(e instanceof Error ? e.message : String(e))}</p>`;
    }
    figs.push({ id, title: seeded ? `${g.chart} (mean over seeds, 95% CI band)` : g.chart, kind: 'scalars', html });
  }

  // Seed statistics: per configuration, mean ± 95% CI of the main metric and the test metrics.
  const statTags = main ? [main.metric, ...[...new Set(groups.flatMap((g) => [...g.summary.keys()]))].filter((t) => t !== main.metric && /^(test|final)\//.test(t) && !/auc_|bestEpoch/.test(t)).sort()] : [];
  const statHead = ['configuration', 'seeds', ...statTags];
  const statRows = groups.map((g) => [g.config, g.seeds.join(', '), ...statTags.map((t) => { const x = g.summary.get(t); return x ? formatSummary(x, t) : '–'; })]);

  // The original report's numbers beside ours.
  const refRows = (o.references ?? []).map((ref) => {
    const grp = ref.variant !== undefined ? groups.find((g) => g.config === ref.variant) : groups.length === 1 ? groups[0] : undefined;
    const s = grp?.summary.get(ref.metric);
    const vals = grp?.finals.get(ref.metric)?.filter(Number.isFinite) ?? [];
    const ours = s ? formatSummary(s, ref.metric) : vals.length ? vals.map((v) => formatValue(v, ref.metric)).join(', ') : 'not run';
    const diff = s ? `${formatSigned(s.mean - ref.value, ref.metric)}` : '–';
    return [ref.variant ?? '(study)', ref.metric, formatValue(ref.value, ref.metric), ours, diff, ref.conditions];
  });
  const refHead = ['variant', 'metric', 'original report', 'gradlab' + (seeded ? ' (mean ± 95% CI)' : ''), 'difference', 'their conditions'];

  const links = runs.map((r, i) => ({ html: `<a href="${esc(encodeURI(runFileBase(r)))}.html">${esc(r.name)}</a>`, i }));
  const html = page(`${study} · gradlab study report`, [
    `<h1>Study ${esc(study)}</h1>`,
    `<div class="meta"><span>${runs.length} run${runs.length === 1 ? '' : 's'}</span><span>${esc(store.path)}</span></div>`,
    `<h2>Runs</h2>`,
    table(head, rows.map((r, i) => [links[i]!, ...r.slice(1)])),
    runs.length > 1 && differing.length === 0 ? '<p>All runs have the same config.</p>' : '',
    seeded && main ? `<h2>Seed statistics</h2>${table(statHead, statRows)}<p class="note">Mean ± half-width of the 95% confidence interval of the mean (Student t, n − 1 degrees of freedom) [interval]; accuracies and scores in points.</p>` : '',
    vs.length ? `<h2>Verdicts on ${esc(main!.metric)}</h2><ul class="verdicts">${vs.map((v) => `<li class="verdict ${v.real ? 'real' : 'unclear'}">${esc(v.sentence)}</li>`).join('')}</ul>` : '',
    refRows.length ? `<h2>Original report</h2>${table(refHead, refRows)}${o.ours ? `<p class="note">Ours: ${esc(o.ours)}.</p>` : ''}` : '',
    diags.length ? `<h2>Diagnostics</h2><ul class="diagnostics">${diags.flatMap((d) => d.list.map((x) => `<li class="diag diag-${esc(x.kind)}">${esc(`${d.run.name} (seed ${d.run.seed ?? '–'}): ${x.message}`)}</li>`)).join('')}</ul>` : '',
    `<h2>Curves</h2>`, figs.length ? `<div class="figs">${figs.map(figureHtml).join('\n')}</div>` : '<p>No scalars were logged.</p>',
  ].join('\n'));
  writeFileSync(htmlPath, html);

  const md = [
    `# Study ${mdEsc(study)}`, '', `${runs.length} run${runs.length === 1 ? '' : 's'} in ${mdEsc(store.path)}.`, '',
    '## Runs', '', mdTable(head, rows), '',
    ...(seeded && main ? ['## Seed statistics', '', mdTable(statHead, statRows), ''] : []),
    ...(vs.length ? [`## Verdicts on ${mdEsc(main!.metric)}`, '', ...vs.map((v) => `- ${mdEsc(v.sentence)}`), ''] : []),
    ...(refRows.length ? ['## Original report', '', mdTable(refHead, refRows), '', ...(o.ours ? [`Ours: ${mdEsc(o.ours)}.`, ''] : [])] : []),
    ...(diags.length ? ['## Diagnostics', '', ...diags.flatMap((d) => d.list.map((x) => `- ${mdEsc(`${d.run.name} (seed ${d.run.seed ?? '–'}): ${x.message}`)}`)), ''] : []),
    '## Figures', '', `In [${base}.html](${encodeURI(base)}.html):`, '',
    ...figs.map((f, i) => `${i + 1}. [${mdEsc(f.title)}](${encodeURI(base)}.html#${f.id}) (all runs overlaid)`), '',
    '## Run reports', '', ...runs.map((r) => `- [${mdEsc(r.name)}](${encodeURI(runFileBase(r))}.md) (${r.id}, ${r.status})`), '',
  ].join('\n');
  writeFileSync(mdPath, md);
  return { html: htmlPath, md: mdPath, runs: runFiles };
}

function formatValue(v: number, metric: string): string {
  return isFraction(metric) ? (100 * v).toFixed(1) : formatNumber(v);
}

function formatSigned(v: number, metric: string): string {
  const s = formatValue(v, metric);
  return (v > 0 ? '+' : '') + s + (isFraction(metric) ? ' points' : '');
}

/** A log y axis when every value is positive and they span more than two decades (a first-epoch loss of 200 beside 0.2). */
function wideRange(values: number[]): boolean {
  const v = values.filter(Number.isFinite);
  if (v.length === 0 || v.some((x) => x <= 0)) return false;
  return Math.max(...v) / Math.min(...v) > 100;
}
