/**
 * A record is data, never an instruction: what a logged Vega-Lite figure names is never fetched,
 * read or followed when a report or the dashboard draws it.
 *
 * - `withoutExternalData(spec)`: every `data: { url }` (top level, layers, concatenations,
 *   lookups) is replaced by empty inline data and listed, so the figure is drawn without it and
 *   the page says so.
 * - `refusingLoader()`: the Vega loader both renderers use. It loads nothing (no file, no URL,
 *   whatever slipped past the rewrite) and lets links through only with a safe scheme
 *   (http, https, mailto); images named by a spec are not loaded.
 *
 * Pure JavaScript: the report (Node) and the dashboard client (browser) share it.
 */
import type { JsonValue } from './types.js';

/** Link schemes a figure may point at (anything else: javascript:, data:, file:, vbscript: is dropped). */
export const SAFE_LINK_SCHEMES: readonly string[] = ['http:', 'https:', 'mailto:'];

/** Whether `uri` is an absolute link with a safe scheme. */
export function isSafeLink(uri: unknown): boolean {
  if (typeof uri !== 'string') return false;
  // Browsers ignore control characters and whitespace inside a scheme ("java\nscript:"): strip them first.
  // eslint-disable-next-line no-control-regex
  const clean = uri.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
  const m = /^([a-z][a-z0-9+.-]*:)/.exec(clean);
  return m !== null && SAFE_LINK_SCHEMES.includes(m[1]!);
}

export interface ExternalDataNote {
  /** Where in the spec, e.g. 'data' or 'layer[1].data'. */
  where: string;
  url: string;
}

/** A copy of `spec` with every external data source replaced by empty inline data. */
export function withoutExternalData<T>(spec: T): { spec: T; removed: ExternalDataNote[] } {
  const removed: ExternalDataNote[] = [];
  const walk = (v: unknown, path: string, depth: number): unknown => {
    if (depth > 64) return null; // absurdly deep: a record, not a chart
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`, depth + 1));
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const here = path ? `${path}.${k}` : k;
      if (k === 'data' && x !== null && typeof x === 'object' && !Array.isArray(x) && 'url' in x) {
        removed.push({ where: here, url: String((x as { url: unknown }).url) });
        const { url: _url, ...rest } = x as Record<string, unknown>;
        out[k] = { ...(typeof rest['name'] === 'string' ? { name: rest['name'] } : {}), values: [] };
      } else {
        out[k] = walk(x, here, depth + 1);
      }
    }
    return out;
  };
  return { spec: walk(spec, '', 0) as T, removed };
}

/** The sentence a page shows under a figure drawn without its external data. */
export function externalDataNote(removed: readonly ExternalDataNote[]): string {
  const urls = [...new Set(removed.map((r) => r.url))];
  const shown = urls.slice(0, 3).map((u) => JSON.stringify(u.length > 80 ? u.slice(0, 77) + '...' : u)).join(', ');
  return `drawn without its external data (${shown}${urls.length > 3 ? `, and ${urls.length - 3} more` : ''}): a figure's data must be inline; gradlab never loads what a record names`;
}

/** The shape of a Vega loader (vega-loader's interface), as far as the renderers use it. */
export interface RefusingLoader {
  options: Record<string, JsonValue>;
  fileAccess: boolean;
  sanitize(uri: string, options?: { context?: string }): Promise<{ href?: string }>;
  load(uri: string, options?: unknown): Promise<string>;
  http(uri: string, options?: unknown): Promise<string>;
  file(filename: string): Promise<string>;
}

/** A Vega loader that loads nothing and passes only safe links (count refusals with `onRefuse`). */
export function refusingLoader(onRefuse?: (what: string, uri: string) => void): RefusingLoader {
  const refuse = (what: string, uri: string): Promise<never> => {
    onRefuse?.(what, uri);
    return Promise.reject(new Error(`gradlab does not ${what} what a record names (${JSON.stringify(String(uri).slice(0, 80))})`));
  };
  return {
    options: {},
    fileAccess: false,
    // NOTE: never rejects, and a refused link is an object without href: vega-scenegraph's SVG
    // renderers assume a link sanitizes to an object (null crashes them), and its click handler
    // copies every key onto an <a> it clicks (href: null would navigate to '/null').
    sanitize: async (uri, options) => {
      if (options?.context === 'href' && isSafeLink(uri)) return { href: uri };
      onRefuse?.(options?.context === 'href' ? 'link to' : 'load', String(uri));
      return {};
    },
    load: (uri) => refuse('load', uri),
    http: (uri) => refuse('fetch', uri),
    file: (filename) => refuse('read', filename),
  };
}
