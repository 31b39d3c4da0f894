/**
 * Vega-Lite to SVG in Node, for the reports: compile the spec to Vega, run a headless View
 * (renderer 'none': no canvas, no DOM) and serialise its scene graph as an SVG string.
 * The result is self-contained markup that a report inlines.
 */
import type { View as VegaView } from 'vega';
import type { VlSpec } from './report-specs.js';
import { externalDataNote, refusingLoader, withoutExternalData } from './figure-safety.js';

// NOTE: vega and vega-lite are imported on the first chart, not with this module: vega's graph
// has a top-level await (vega-canvas probing for the optional 'canvas' package), and a static
// import made `require('gradlab/node')` fail with ERR_REQUIRE_ASYNC_MODULE. It also keeps
// the ~10 MB of Vega out of programs that never render a report.
let vegaModules: Promise<[typeof import('vega'), typeof import('vega-lite')]> | null = null;
function loadVega(): Promise<[typeof import('vega'), typeof import('vega-lite')]> {
  vegaModules ??= Promise.all([import('vega'), import('vega-lite')]);
  return vegaModules;
}

/** Render a Vega-Lite spec as an SVG document string. Errors name the chart's title. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  return (await renderSvgWithNotes(spec)).svg;
}

/**
 * Render a Vega-Lite spec as SVG without loading anything it names: external data is dropped
 * (and said in `notes`), the loader refuses every file and URL, links keep only safe schemes.
 */
export async function renderSvgWithNotes(spec: VlSpec): Promise<{ svg: string; notes: string[] }> {
  try {
    const [{ View, parse }, { compile }] = await loadVega();
    const safe = withoutExternalData(spec);
    const notes = safe.removed.length ? [externalDataNote(safe.removed)] : [];
    // NOTE: vega-lite's TopLevelSpec type is a large union; the spec builders return plain JSON.
    const vg = compile(safe.spec as unknown as Parameters<typeof compile>[0]).spec;
    const loader = refusingLoader() as unknown as NonNullable<ConstructorParameters<typeof VegaView>[1]>['loader'];
    const view = new View(parse(vg), { renderer: 'none', loader });
    try {
      return { svg: await view.toSVG(), notes };
    } finally {
      view.finalize();
    }
  } catch (e) {
    const title = typeof spec['title'] === 'string' && spec['title'] !== '' ? `'${spec['title']}'` : 'a chart';
    throw new Error(`report: could not render ${title} as SVG: ${e instanceof Error ? e.message : String(e)}`);
  }
}
