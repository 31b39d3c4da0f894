/**
 * `gradlab data list` and `gradlab data show <name>`: which datasets this machine has, how big
 * they are and how to get the missing ones; then, for one dataset, counts per class and a few
 * samples (images drawn as character grids, texts as text, 2-D points as a scatter, word vectors
 * as nearest neighbours). The catalogue itself lives in src/data/registry.ts.
 */
import type { Command } from 'commander';
import { DATASETS, diskBytes, findDataset, type DatasetPreview } from '../data/registry.js';

const RAMP = ' .:-=+*#%@';

function human(bytes: number): string {
  if (bytes <= 0) return '';
  const u = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${u[i]}`;
}

/** Images side by side as character grids (one char per pixel, two for images under 16 wide). */
export function renderImages(p: NonNullable<DatasetPreview['images']>, classes: readonly string[], perRow = 4): string {
  const wide = p.cols < 16 ? 2 : 1;
  const cell = p.cols * wide;
  const lines: string[] = [];
  for (let s = 0; s < p.pixels.length; s += perRow) {
    const group = p.pixels.slice(s, s + perRow);
    const labels = p.labels.slice(s, s + perRow);
    lines.push(labels.map((l) => `[${classes[l] ?? l}]`.slice(0, cell).padEnd(cell)).join('  ').trimEnd());
    for (let r = 0; r < p.rows; r++) {
      lines.push(
        group
          .map((px) => {
            let row = '';
            for (let c = 0; c < p.cols; c++) {
              const t = Math.min(1, Math.max(0, (px[r * p.cols + c] - p.lo) / (p.hi - p.lo)));
              row += RAMP[Math.min(RAMP.length - 1, Math.floor(t * RAMP.length))].repeat(wide);
            }
            return row;
          })
          .join('  ')
          .trimEnd(),
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** A character scatter plot of 2-D points: digits for classes, shades for a regression target. */
export function renderPoints(p: NonNullable<DatasetPreview['points']>, width = 60, height = 20): string {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, t0 = Infinity, t1 = -Infinity;
  for (let i = 0; i < p.n; i++) {
    x0 = Math.min(x0, p.x[2 * i]);
    x1 = Math.max(x1, p.x[2 * i]);
    y0 = Math.min(y0, p.x[2 * i + 1]);
    y1 = Math.max(y1, p.x[2 * i + 1]);
    t0 = Math.min(t0, p.y[i]);
    t1 = Math.max(t1, p.y[i]);
  }
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  for (let i = 0; i < p.n; i++) {
    const c = Math.min(width - 1, Math.floor(((p.x[2 * i] - x0) / (x1 - x0 || 1)) * width));
    const r = height - 1 - Math.min(height - 1, Math.floor(((p.x[2 * i + 1] - y0) / (y1 - y0 || 1)) * height));
    grid[r][c] = p.regression ? RAMP[Math.min(RAMP.length - 1, 1 + Math.floor(((p.y[i] - t0) / (t1 - t0 || 1)) * (RAMP.length - 1)))] : p.y[i] === 1 ? 'x' : 'o';
  }
  const border = '+' + '-'.repeat(width) + '+';
  const legend = p.regression ? `target from ${t0.toFixed(1)} (.) to ${t1.toFixed(1)} (@)` : 'o: class 0, x: class 1';
  return [`x1 in [${x0.toFixed(2)}, ${x1.toFixed(2)}], x2 in [${y0.toFixed(2)}, ${y1.toFixed(2)}]; ${legend}`, border, ...grid.map((r) => '|' + r.join('') + '|'), border].join('\n');
}

/** Per-class counts as a small table with bars. */
export function renderCounts(classes: readonly string[], counts: readonly number[]): string {
  const total = counts.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...counts);
  const w = Math.max(5, ...classes.map((c) => c.length));
  const lines = classes.map((c, i) => `  ${c.padEnd(w)} ${String(counts[i]).padStart(7)}  ${(total ? (100 * counts[i]) / total : 0).toFixed(1).padStart(5)}%  ${'#'.repeat(Math.round((30 * counts[i]) / max))}`.trimEnd());
  lines.push(`  ${'total'.padEnd(w)} ${String(total).padStart(7)}`);
  return lines.join('\n');
}

function renderText(t: string, max = 400): string {
  const s = t.replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max) + ' …' : s;
}

/** The whole `data show` output for one preview. */
export function renderPreview(name: string, p: DatasetPreview): string {
  const out: string[] = [`${name} (${p.split})`];
  if (p.classes.length) out.push('', 'counts per class:', renderCounts(p.classes, p.counts));
  if (p.images) out.push('', `samples (${p.images.rows}×${p.images.cols}):`, '', renderImages(p.images, p.classes));
  if (p.texts) for (const t of p.texts) out.push('', `[${p.classes[t.label]}] ${renderText(t.text)}`);
  if (p.points) out.push('', `${p.points.n} points:`, renderPoints(p.points));
  if (p.vectors) {
    out.push('', `${p.vectors.size.toLocaleString('en-US')} words × ${p.vectors.dim} dimensions`, `first words: ${p.vectors.words.join(' ')}`, '', 'nearest neighbours (cosine):');
    for (const n of p.vectors.neighbours) out.push(`  ${n.word}: ${n.nearest.join(', ')}`);
  }
  return out.join('\n');
}

export function registerData(program: Command): void {
  const data = program.command('data').description('datasets: what is here, how to get the rest, and a look inside');

  data
    .command('list')
    .description('each dataset: available here or not, its size, and how to get it')
    .option('--json', 'print JSON instead of a table')
    .action((opts: { json?: boolean }) => {
      const rows = DATASETS.map((d) => {
        const where = d.locate();
        const bytes = where && where !== 'built in' ? diskBytes(where) : 0;
        return { name: d.name, kind: d.kind, available: where !== null, where, onDisk: human(bytes), size: d.size, title: d.title, howTo: d.howTo };
      });
      if (opts.json) {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      const w = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) {
        process.stdout.write(`${r.available ? '✓' : '✗'} ${r.name.padEnd(w)}  ${r.title}\n`);
        process.stdout.write(`  ${''.padEnd(w)}  size: ${r.size}${r.onDisk ? ` (${r.onDisk} on disk)` : ''}\n`);
        process.stdout.write(`  ${''.padEnd(w)}  ${r.available ? `here: ${r.where}` : `get it: ${r.howTo}`}\n`);
      }
      const have = rows.filter((r) => r.available).length;
      process.stdout.write(`\n${have} of ${rows.length} datasets available here; \`gradlab data show <name>\` looks inside one.\n`);
    });

  data
    .command('show')
    .description('counts per class and a few samples of one dataset')
    .argument('<name>', `dataset name (${DATASETS.map((d) => d.name).join(', ')})`)
    .option('--path <path>', 'file or folder for datasets you bring (IDX folder, USPS file, aclImdb, GloVe file)')
    .option('--split <split>', 'train or test (spam: binary or three-way)')
    .option('--samples <n>', 'number of samples to show', '8')
    .action(async (name: string, opts: { path?: string; split?: string; samples: string }) => {
      const entry = findDataset(name);
      const samples = Number(opts.samples);
      if (!Number.isInteger(samples) || samples < 0) throw new Error(`--samples must be an integer ≥ 0, got '${opts.samples}'`);
      if (!entry.locate(opts.path)) throw new Error(`${name} is not available here: ${entry.howTo}`);
      const p = await entry.preview({ path: opts.path, split: opts.split, samples });
      process.stdout.write(renderPreview(name, p) + '\n');
    });
}
