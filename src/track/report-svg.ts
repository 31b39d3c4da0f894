/**
 * Vega-Lite to SVG in Node, for the reports: compile the spec to Vega, run a headless View
 * (renderer 'none': no canvas, no DOM) and serialise its scene graph as an SVG string.
 * The result is self-contained markup that a report inlines.
 */
import { compile } from 'vega-lite';
import { View, parse } from 'vega';
import type { VlSpec } from './report-specs.js';

/** Render a Vega-Lite spec as an SVG document string. Errors name the chart's title. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  try {
    // NOTE: vega-lite's TopLevelSpec type is a large union; the spec builders return plain JSON.
    const vg = compile(spec as unknown as Parameters<typeof compile>[0]).spec;
    const view = new View(parse(vg), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (e) {
    const title = typeof spec['title'] === 'string' && spec['title'] !== '' ? `'${spec['title']}'` : 'a chart';
    throw new Error(`report: could not render ${title} as SVG: ${e instanceof Error ? e.message : String(e)}`);
  }
}
