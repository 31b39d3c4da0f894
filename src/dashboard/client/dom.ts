/**
 * Browser-side helpers of the dashboard page: building elements (text always goes in as
 * textContent, never as HTML: tags, captions and tokens come from the run store), fetching the
 * JSON API, and drawing a Vega-Lite spec into an element with the Vega and Vega-Lite browser
 * builds the page loads as plain scripts (globals `vega`, `vegaLite`).
 */

import { externalDataNote, refusingLoader, withoutExternalData, type RefusingLoader } from '../../track/figure-safety.js';

interface VegaView {
  runAsync(): Promise<VegaView>;
  finalize(): void;
}
interface VegaGlobal {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, opts: { renderer: 'svg' | 'canvas' | 'none'; container?: HTMLElement; hover?: boolean; loader?: RefusingLoader }) => VegaView;
}
interface VegaLiteGlobal {
  compile(spec: unknown): { spec: unknown };
}

const globals = globalThis as unknown as { vega?: VegaGlobal; vegaLite?: VegaLiteGlobal };

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((ev: Event) => void)>;

/** h('div', { class: 'card', onclick: fn }, child, ...) */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') e.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') e.className = String(v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`dashboard page: no element #${id}`);
  return e as T;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: 'no-store' });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new ApiError(res.status, body.error ?? `${url}: HTTP ${res.status}`);
  return body;
}

const views = new WeakMap<HTMLElement, { view: VegaView; key: string }>();

/**
 * Draw a Vega-Lite spec as SVG into `el`, replacing what was there. Redrawing the same spec
 * (same JSON) does nothing, so a poll that brought no news leaves the chart alone.
 */
export async function drawSpec(el: HTMLElement, spec: object): Promise<void> {
  const key = JSON.stringify(spec);
  const old = views.get(el);
  if (old && old.key === key) return;
  const { vega, vegaLite } = globals;
  if (!vega || !vegaLite) {
    el.replaceChildren(h('div', { class: 'error' }, 'Vega did not load (/vendor/vega.min.js): is the vega package installed?'));
    return;
  }
  try {
    // A record is data: external data is dropped (and said), the loader fetches nothing.
    const safe = withoutExternalData(spec);
    const compiled = vegaLite.compile(safe.spec).spec;
    const holder = h('div', { class: 'vega' });
    const view = new vega.View(vega.parse(compiled), { renderer: 'svg', container: holder, hover: true, loader: refusingLoader() });
    await view.runAsync();
    old?.view.finalize();
    el.replaceChildren(holder, ...(safe.removed.length ? [h('div', { class: 'figure-note' }, externalDataNote(safe.removed))] : []));
    views.set(el, { view, key });
  } catch (e) {
    el.replaceChildren(h('div', { class: 'error' }, `could not draw this chart: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** A card: title, optional subtitle line, and a body element (returned for drawing into). */
export function card(title: string, subtitle?: Node | string | null, extraClass = ''): { card: HTMLElement; body: HTMLElement } {
  const body = h('div', { class: 'card-body' });
  const c = h('div', { class: `card ${extraClass}`.trim() }, h('div', { class: 'card-head' }, h('h3', {}, title), subtitle ? h('div', { class: 'card-sub' }, subtitle) : null), body);
  return { card: c, body };
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The usable width of an element for a chart (its content box), at least `min`. */
export function widthOf(el: HTMLElement, min = 240): number {
  const w = el.clientWidth;
  return Math.max(min, (w > 0 ? w : 480) - 8);
}

/**
 * A grid of cards kept by key across redraws: a poll that brings new points redraws the charts
 * in place instead of rebuilding the page (no flicker, scroll position kept).
 */
export class CardGrid {
  private cards = new Map<string, { card: HTMLElement; body: HTMLElement; sub: HTMLElement }>();

  constructor(readonly el: HTMLElement) {}

  /** Show exactly these keys in this order; returns each card's body and subtitle holder. */
  sync(items: { key: string; title: string; extraClass?: string }[]): Map<string, { body: HTMLElement; sub: HTMLElement; card: HTMLElement }> {
    const keep = new Set(items.map((i) => i.key));
    for (const [k, c] of this.cards) {
      if (!keep.has(k)) {
        c.card.remove();
        this.cards.delete(k);
      }
    }
    const out = new Map<string, { body: HTMLElement; sub: HTMLElement; card: HTMLElement }>();
    let prev: HTMLElement | null = null;
    for (const it of items) {
      let c = this.cards.get(it.key);
      if (!c) {
        const sub = h('div', { class: 'card-sub' });
        const body = h('div', { class: 'card-body' });
        const el = h('div', { class: `card ${it.extraClass ?? ''}`.trim(), 'data-key': it.key }, h('div', { class: 'card-head' }, h('h3', {}, it.title), sub), body);
        c = { card: el, body, sub };
        this.cards.set(it.key, c);
      }
      const want: ChildNode | null = prev ? prev.nextSibling : this.el.firstChild;
      if (want !== c.card) this.el.insertBefore(c.card, want);
      prev = c.card;
      out.set(it.key, c);
    }
    return out;
  }

  clear(): void {
    this.cards.clear();
    this.el.replaceChildren();
  }
}

/** el.replaceChildren, skipping null/false children. */
export function fill(el: HTMLElement, ...children: (Child | Child[])[]): void {
  el.replaceChildren(...children.flat().filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}
