/**
 * The pieces of a report page: HTML escaping, the page shell with its (inline) style sheet,
 * tables, and Markdown escaping. A report is one HTML file with everything inlined (SVG plots,
 * PNG images as data: URIs) so it can be mailed or archived, plus a Markdown summary.
 */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Escape text for a Markdown table cell or line. */
export function mdEsc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/([*_`[\]<>])/g, '\\$1').replace(/\n/g, ' ');
}

export function showValue(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : String(v);
  return JSON.stringify(v);
}

/** An HTML table; cells are escaped unless given as { html }. */
export function table(head: string[], rows: (string | { html: string })[][], cls = ''): string {
  const cell = (c: string | { html: string }, tag: string): string => `<${tag}>${typeof c === 'string' ? esc(c) : c.html}</${tag}>`;
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => cell(h, 'th')).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => cell(c, i === 0 ? 'th' : 'td')).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function mdTable(head: string[], rows: string[][]): string {
  return [`| ${head.map(mdEsc).join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(mdEsc).join(' | ')} |`)].join('\n');
}

/** A figure: anchor id, title and an HTML body (inline SVG, an image, token spans). */
export interface Figure {
  id: string;
  title: string;
  kind: string;
  html: string;
}

export function figureHtml(f: Figure): string {
  return `<figure id="${esc(f.id)}" class="fig fig-${esc(f.kind)}"><figcaption>${esc(f.title)}</figcaption>${f.html}</figure>`;
}

const CSS = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f4f6f9;margin:0}
main{max-width:1180px;margin:0 auto;padding:28px 32px 60px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:32px 0 12px;padding-bottom:6px;border-bottom:1px solid #e3e7ee}
.meta{color:#6b7785;font-size:13px;display:flex;flex-wrap:wrap;gap:4px 16px}
.badge{font-size:11px;font-weight:600;text-transform:uppercase;padding:2px 7px;border-radius:10px;color:#fff;background:#3b6ea8}
.badge.running{background:#2f9e62}.badge.failed{background:#d64545}.badge.killed{background:#c07b1c}.badge.interrupted{background:#8a6d3b}
table{border-collapse:collapse;background:#fff;border:1px solid #e3e7ee;border-radius:8px;font-size:13px;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:6px 12px;border-bottom:1px solid #eef1f5;white-space:nowrap}
thead th{background:#f7f9fb;font-weight:600}tbody th{font-weight:500;color:#52606d}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:16px}
.fig{background:#fff;border:1px solid #e3e7ee;border-radius:10px;margin:0;padding:14px 16px;overflow-x:auto}
.fig figcaption{font-weight:600;margin-bottom:8px}.fig svg{max-width:100%;height:auto}
.fig-heatmap,.fig-text{grid-column:1/-1}
.tok{padding:2px 3px;border-radius:3px;margin:0 1px;line-height:2}
img.px{image-rendering:pixelated;border:1px solid #e3e7ee}
.caption{color:#6b7785;font-size:12px;margin-top:6px}
pre{white-space:pre-wrap;margin:0}
.error{color:#d64545}.note{color:#8a6d3b;font-size:12px}
a{color:#3b6ea8}
.note{color:#6b7785;font-size:12px}ul.verdicts,ul.diagnostics{background:#fff;border:1px solid #e3e7ee;border-radius:8px;padding:10px 14px 10px 32px;margin:0}
.verdict.real{color:#1f7a4a;font-weight:600}.verdict.unclear{color:#52606d}.diag{color:#b4531a}
.cols{display:flex;flex-wrap:wrap;gap:0 32px;align-items:flex-start}.cols section{min-width:220px}
`;

export function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="generator" content="gradlab report"><title>${esc(title)}</title><style>${CSS}</style></head><body><main>${body}</main></body></html>\n`;
}
