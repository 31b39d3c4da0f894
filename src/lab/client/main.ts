/**
 * The lab page (main thread): the controls, a training worker (trainer.ts), and the charts, drawn
 * with the Vega-Lite specs the reports and the dashboard use (track/report-specs.ts) through the
 * dashboard's drawSpec. A finished run downloads as safetensors (the model) and as a run file
 * that `gradlab import <file>` puts into the run store. The page state is on
 * `globalThis.gradlabLab` for scripts and tests.
 */
import { h, byId, drawSpec } from '../../dashboard/client/dom.js';
import { heatAlpha, histogramSpec, matrixSpec, scalarChartSpec, formatNumber, type HistogramStep } from '../../track/report-specs.js';
import type { HistogramSummary, MatrixData } from '../../track/types.js';
import type { LabEvent, MnistMlpResult } from '../mnist-mlp.js';
import { RUN_FILE_FORMAT, RUN_FILE_VERSION, type RunFile } from '../run-file.js';
import type { TrainRequest } from './trainer.js';
import { backpropGraph, type Graph } from '../s6.js';
import { drawGraph } from './graph.js';
import { DEFAULT_LAB_BACKEND, LAB_BACKENDS, type LabBackendInfo } from './backends.js';

type Info = LabBackendInfo;

interface LabState {
  demo: 'mnist-mlp' | 's5' | 's6' | 'attention';
  graph: Graph | null;
  attention: { epoch: number; metrics: Record<string, number> }[];
  s5: { epoch: number; loss: number; trainAccuracy: number; testAccuracy: number }[];
  status: 'idle' | 'starting' | 'training' | 'done' | 'error';
  error: string | null;
  info: Info | null;
  request: TrainRequest | null;
  batches: { step: number; epoch: number; loss: number }[];
  epochs: { epoch: number; step: number; metrics: Record<string, number>; seconds: number }[];
  weights: Record<string, HistogramStep[]>;
  grads: Record<string, HistogramStep[]>;
  confusion: MatrixData | null;
  result: (Omit<MnistMlpResult, 'model'> & { seconds: number }) | null;
  model: Uint8Array | null;
}

const state: LabState = {
  demo: 'mnist-mlp', graph: null, attention: [], s5: [],
  status: 'idle', error: null, info: null, request: null, batches: [], epochs: [], weights: {}, grads: {}, confusion: null, result: null, model: null,
};
(globalThis as unknown as { gradlabLab: LabState }).gradlabLab = state;

const params = new URLSearchParams(location.search);
const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
const cores = navigator.hardwareConcurrency || 1;

function num(name: string, def: number): number {
  const v = params.get(name);
  const n = v === null ? def : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : def;
}

const seedIn = byId<HTMLInputElement>('seed');
const epochsIn = byId<HTMLInputElement>('epochs');
const threadsIn = byId<HTMLInputElement>('threads');
const backendIn = byId<HTMLSelectElement>('backend');
const trainBtn = byId<HTMLButtonElement>('train');
const demoIn = byId<HTMLSelectElement>('demo');
const kindIn = byId<HTMLSelectElement>('kind');
const hiddenIn = byId<HTMLInputElement>('hidden');
demoIn.value = ['s5', 's6', 'attention'].includes(params.get('demo') ?? '') ? params.get('demo')! : 'mnist-mlp';
kindIn.value = ['xor', 'checkerboard', 'blobs'].includes(params.get('kind') ?? '') ? params.get('kind')! : 'xor';
hiddenIn.value = String(num('hidden', 4) || 4);
function showDemo(): void {
  document.querySelectorAll<HTMLElement>('[data-demo]').forEach((el) => { el.hidden = el.dataset.demo !== demoIn.value; });
  if (!params.has('epochs')) epochsIn.value = demoIn.value === 's5' ? '100' : demoIn.value === 'attention' ? '8' : '3';
  document.querySelectorAll<HTMLElement>('[data-train]').forEach((el) => { el.hidden = demoIn.value === 's6'; });
  trainBtn.textContent = demoIn.value === 's6' ? 'Forward and backward' : 'Train';
}
demoIn.addEventListener('change', showDemo);
seedIn.value = String(num('seed', 1));
epochsIn.value = String(num('epochs', demoIn.value === 's5' ? 100 : 3));
showDemo();
threadsIn.value = String(isolated ? Math.max(1, num('threads', Math.min(cores, 4))) : 1);
threadsIn.max = String(isolated ? Math.max(cores, 1) : 1);
threadsIn.disabled = !isolated;
// The backend menu comes from the one list the training worker starts backends from.
for (const b of LAB_BACKENDS) {
  const why = b.unavailable?.() ?? null;
  const opt = new Option(why ? `${b.label} (unavailable)` : b.label, b.name);
  opt.disabled = why !== null;
  if (why) opt.title = why;
  backendIn.add(opt);
  // A backend that must ask the browser (the GPU's adapter) relabels or disables its entry when it knows.
  if (!why && b.probe) {
    void b.probe().then((p) => {
      if ('label' in p) opt.text = p.label;
      else {
        opt.text = `${b.label} (unavailable)`;
        opt.title = p.unavailable;
        opt.disabled = true;
      }
    });
  }
}
const askedBackend = params.get('backend');
const askedEntry = askedBackend === null ? undefined : LAB_BACKENDS.find((b) => b.name === askedBackend);
backendIn.value = askedEntry && !askedEntry.unavailable?.() ? askedEntry.name : DEFAULT_LAB_BACKEND;
if (askedBackend !== null && backendIn.value !== askedBackend) {
  const why = askedEntry ? askedEntry.unavailable?.() : `the lab offers ${LAB_BACKENDS.map((b) => b.name).join(', ')}`;
  byId('backend-note').textContent = `backend '${askedBackend}' from the address cannot be used (${why}); ${backendIn.value} is selected`;
}

byId('isolation').textContent = isolated
  ? `cross-origin isolated: shared memory available, up to ${cores} threads`
  : 'not cross-origin isolated (served without COOP/COEP headers): the wasm backend runs on 1 thread';
byId('isolation').className = isolated ? 'ok' : 'warn';

function setStatus(text: string): void {
  byId('status').textContent = text;
}

let pending = false;
function redrawSoon(): void {
  if (pending) return;
  pending = true;
  setTimeout(() => {
    pending = false;
    void redraw();
  }, 250);
}

const charts = byId('charts');
const cardEls = new Map<string, HTMLElement>();
function cardBody(key: string, title: string, wide = false): HTMLElement {
  let body = cardEls.get(key);
  if (!body) {
    body = h('div', { class: 'card-body' });
    charts.append(h('div', { class: `card${wide ? ' wide' : ''}`, 'data-key': key }, h('h3', {}, title), body));
    cardEls.set(key, body);
  }
  return body;
}

function histSteps(m: Record<string, HistogramStep[]>, tag: string, epoch: number, s: HistogramSummary): void {
  (m[tag] ??= []).push({ step: epoch, limits: s.limits, counts: s.counts, min: s.min });
}

let s5Spec: object | null = null;

let heatmaps: { tokens: string[]; weights: number[]; label: string; predicted: string }[] = [];

async function redraw(): Promise<void> {
  const width = 400;
  const jobs: Promise<void>[] = [];
  if (state.demo === 'attention') {
    const ep = state.attention;
    if (ep.length) {
      const series = (tags: string[]): { name: string; points: { step: number; value: number }[] }[] => tags.map((t) => ({ name: t.replace('val/', 'held-out/'), points: ep.map((e) => ({ step: e.epoch, value: e.metrics[t] })) }));
      jobs.push(drawSpec(cardBody('loss', 'Loss'), scalarChartSpec({ title: 'loss', series: series(['train/loss', 'val/loss']), width, height: 200, xTitle: 'epoch' })));
      jobs.push(drawSpec(cardBody('accuracy', 'Accuracy'), scalarChartSpec({ title: 'accuracy', series: series(['train/accuracy', 'val/accuracy']), width, height: 200, xTitle: 'epoch' })));
      const body = cardBody('heatmap', `Attention weights on held-out sentences (epoch ${ep[ep.length - 1].epoch})`, true);
      body.replaceChildren(...heatmaps.map((hm) => {
        const alpha = heatAlpha(hm.weights);
        return h('div', { class: 'tokens' },
          ...hm.tokens.map((t, i) => h('span', { class: 'tok', title: `${t}: ${formatNumber(hm.weights[i])}`, 'data-weight': String(hm.weights[i]), style: `background: rgba(228, 87, 86, ${alpha[i].toFixed(3)}); color: ${alpha[i] > 0.6 ? '#fff' : '#1f2933'}` }, t)),
          h('span', { class: `verdict ${hm.label === hm.predicted ? 'ok' : 'bad'}` }, `${hm.label}; predicted ${hm.predicted}`));
      }));
      const last = ep[ep.length - 1];
      byId('summary').replaceChildren(...[['epoch', `${last.epoch} / ${state.request?.epochs ?? '?'}`], ['held-out accuracy', formatNumber(last.metrics['val/accuracy'])], ['train loss', formatNumber(last.metrics['train/loss'])]].map(([k, v]) => h('span', { class: 'chip' }, k, h('b', {}, v))));
    }
    await Promise.all(jobs);
    return;
  }
  if (state.demo === 's5') {
    if (s5Spec) jobs.push(drawSpec(cardBody('boundary', 'Decision boundary'), s5Spec));
    if (state.s5.length) {
      const pts = (k: 'loss' | 'trainAccuracy' | 'testAccuracy'): { step: number; value: number }[] => state.s5.map((e) => ({ step: e.epoch, value: e[k] }));
      jobs.push(drawSpec(cardBody('loss', 'Loss'), scalarChartSpec({ title: 'loss (MSE)', series: [{ name: 'train/loss', points: pts('loss') }], width, height: 200, xTitle: 'epoch' })));
      jobs.push(drawSpec(cardBody('accuracy', 'Accuracy'), scalarChartSpec({ title: 'accuracy', series: [{ name: 'train/accuracy', points: pts('trainAccuracy') }, { name: 'test/accuracy', points: pts('testAccuracy') }], width, height: 200, xTitle: 'epoch' })));
    }
    await Promise.all(jobs);
    const last = state.s5[state.s5.length - 1];
    const chips: HTMLElement[] = [];
    if (last) for (const [k, v] of [['epoch', `${last.epoch} / ${state.request?.epochs ?? '?'}`], ['train accuracy', formatNumber(last.trainAccuracy)], ['test accuracy', formatNumber(last.testAccuracy)], ['loss', formatNumber(last.loss)]]) chips.push(h('span', { class: 'chip' }, k, h('b', {}, v)));
    byId('summary').replaceChildren(...chips);
    return;
  }
  if (state.batches.length) {
    const series = [{ name: 'train/loss (batch)', points: state.batches.map((b) => ({ step: b.step, value: b.loss })) }];
    const perEpoch = (tag: string): { step: number; value: number }[] => state.epochs.filter((e) => tag in e.metrics).map((e) => ({ step: e.step, value: e.metrics[tag] }));
    if (state.epochs.length) series.push({ name: 'val/loss (epoch)', points: perEpoch('val/loss') });
    jobs.push(drawSpec(cardBody('loss', 'Loss'), scalarChartSpec({ title: 'loss', series, smoothing: 0.6, width, height: 220 })));
    if (state.epochs.length) {
      const acc = ['train/accuracy', 'val/accuracy'].map((t) => ({ name: t, points: state.epochs.filter((e) => t in e.metrics).map((e) => ({ step: e.epoch, value: e.metrics[t] })) }));
      jobs.push(drawSpec(cardBody('accuracy', 'Accuracy'), scalarChartSpec({ title: 'accuracy', series: acc, width, height: 220, xTitle: 'epoch' })));
    }
  }
  const firstW = Object.keys(state.weights)[0];
  if (firstW) {
    for (const tag of Object.keys(state.weights)) jobs.push(drawSpec(cardBody(`w-${tag}`, `Weights ${tag}`), histogramSpec(`weights/${tag}`, state.weights[tag], { width })));
    for (const tag of Object.keys(state.grads)) jobs.push(drawSpec(cardBody(`g-${tag}`, `Gradients ${tag}`), histogramSpec(`grads/${tag}`, state.grads[tag], { width })));
  }
  if (state.confusion) {
    const title = state.result ? 'confusion matrix (test, kept model)' : `confusion matrix (validation, epoch ${state.epochs.length})`;
    jobs.push(drawSpec(cardBody('confusion', 'Confusion matrix'), matrixSpec(title, state.confusion)));
  }
  await Promise.all(jobs);
  summary();
}

function summary(): void {
  const chips: HTMLElement[] = [];
  const chip = (k: string, v: string): void => void chips.push(h('span', { class: 'chip' }, k, h('b', {}, v)));
  const last = state.epochs[state.epochs.length - 1];
  if (state.batches.length) chip('step', String(state.batches[state.batches.length - 1].step));
  if (last) {
    chip('epoch', `${last.epoch} / ${state.request?.epochs ?? '?'}`);
    chip('val accuracy', formatNumber(last.metrics['val/accuracy']));
    chip('val loss', formatNumber(last.metrics['val/loss']));
    chip('epoch time', `${last.seconds.toFixed(2)} s`);
  }
  if (state.result) {
    chip('test accuracy', formatNumber(state.result.testAccuracy));
    chip('best epoch', String(state.result.bestEpoch));
    chip('total', `${state.result.seconds.toFixed(1)} s`);
  }
  byId('summary').replaceChildren(...chips);
}

function runFile(): RunFile {
  const req = state.request!;
  const r = state.result!;
  const scalars: RunFile['scalars'] = state.batches.map((b) => ({ tag: 'batch/loss', step: b.step, value: b.loss }));
  for (const e of state.epochs) for (const [tag, v] of Object.entries(e.metrics)) scalars.push({ tag, step: e.epoch, value: Number.isFinite(v) ? v : null });
  scalars.push({ tag: 'final/test_accuracy', step: req.epochs, value: r.testAccuracy }, { tag: 'final/test_loss', step: req.epochs, value: r.testLoss });
  const histograms: RunFile['histograms'] = [];
  for (const [group, m] of [['weights', state.weights], ['grads', state.grads]] as const) {
    for (const [tag, steps] of Object.entries(m)) for (const s of steps) histograms.push({ tag: `${group}/${tag}`, step: s.step, summary: fullHist.get(`${group}/${tag}@${s.step}`)! });
  }
  return {
    format: RUN_FILE_FORMAT, version: RUN_FILE_VERSION,
    name: `lab-mnist-mlp-seed${req.seed}`, study: 'mnist-mlp', seed: req.seed,
    config: { layers: '784-100-100-100-10', optimizer: 'Adam', lr: 1e-3, batchSize: 300, epochs: req.epochs, backend: state.info?.backend ?? 'wasm', threads: state.info?.threads ?? 1 },
    source: `gradlab lab in ${navigator.userAgent.match(/(HeadlessChrome|Chrome|Chromium|Firefox|Safari)\/[\d.]+/)?.[0] ?? 'a browser'}; ${state.info?.note ?? ''}`.slice(0, 200),
    scalars, histograms, matrices: [{ tag: 'confusion/test', step: req.epochs, matrix: r.confusion }],
  };
}
const fullHist = new Map<string, HistogramSummary>();

function download(name: string, bytes: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

byId('dl-model').addEventListener('click', () => {
  if (state.model) download(`mnist-mlp-seed${state.request!.seed}.safetensors`, state.model as Uint8Array<ArrayBuffer>, 'application/octet-stream');
});
byId('dl-run').addEventListener('click', () => {
  if (state.result) download(`mnist-mlp-seed${state.request!.seed}.gradlab-run.json`, JSON.stringify(runFile()), 'application/json');
});

function onMessage(m: { type: string } & Record<string, unknown>): void {
  switch (m.type) {
    case 'info': {
      state.info = m.info as Info;
      byId('backend-note').textContent = state.info.note;
      setStatus('loading the digits…');
      break;
    }
    case 'data':
      state.status = 'training';
      setStatus(`training on ${String(m.n)} digits…`);
      break;
    case 'batch': {
      const e = m as unknown as Extract<LabEvent, { type: 'batch' }>;
      state.batches.push({ step: e.step, epoch: e.epoch, loss: e.loss });
      redrawSoon();
      break;
    }
    case 'epoch': {
      const e = m as unknown as Extract<LabEvent, { type: 'epoch' }>;
      state.epochs.push({ epoch: e.epoch, step: e.step, metrics: e.metrics, seconds: e.seconds });
      for (const [tag, s] of Object.entries(e.weights)) { histSteps(state.weights, tag, e.epoch, s); fullHist.set(`weights/${tag}@${e.epoch}`, s); }
      for (const [tag, s] of Object.entries(e.grads)) { histSteps(state.grads, tag, e.epoch, s); fullHist.set(`grads/${tag}@${e.epoch}`, s); }
      state.confusion = e.confusion;
      setStatus(`epoch ${e.epoch} done`);
      redrawSoon();
      break;
    }
    case 'done': {
      const r = m.result as MnistMlpResult;
      state.model = r.model;
      const { model: _model, ...rest } = r;
      state.result = { ...rest, seconds: m.seconds as number };
      state.confusion = r.confusion;
      state.status = 'done';
      setStatus(`done: test accuracy ${formatNumber(r.testAccuracy)} (best epoch ${r.bestEpoch}), ${(m.seconds as number).toFixed(1)} s`);
      byId<HTMLButtonElement>('dl-model').disabled = false;
      byId<HTMLButtonElement>('dl-run').disabled = false;
      trainBtn.disabled = false;
      void redraw();
      break;
    }
    case 's5': {
      state.status = 'training';
      const e = m as unknown as { epoch: number; loss: number; trainAccuracy: number; testAccuracy: number; spec: object | null };
      state.s5.push({ epoch: e.epoch, loss: e.loss, trainAccuracy: e.trainAccuracy, testAccuracy: e.testAccuracy });
      if (e.spec) s5Spec = e.spec;
      setStatus(`epoch ${e.epoch}`);
      redrawSoon();
      break;
    }
    case 'attention': {
      state.status = 'training';
      const e = m as unknown as { epoch: number; metrics: Record<string, number>; heatmaps: typeof heatmaps };
      state.attention.push({ epoch: e.epoch, metrics: e.metrics });
      heatmaps = e.heatmaps;
      setStatus(`epoch ${e.epoch}`);
      redrawSoon();
      break;
    }
    case 'attention-done':
    case 's5-done': {
      state.status = 'done';
      setStatus(`done: test accuracy ${formatNumber(m.testAccuracy as number)}, ${(m.seconds as number).toFixed(1)} s`);
      trainBtn.disabled = false;
      void redraw();
      break;
    }
    case 'error':
      state.status = 'error';
      state.error = String(m.message);
      setStatus(`error: ${state.error}`);
      byId('status').className = 'error';
      trainBtn.disabled = false;
      break;
  }
}

let worker: Worker | null = null;
function handGraph(): void {
  const v = (id: string): number => Number(byId<HTMLInputElement>(id).value);
  const c = { x: v('s6-x'), m: v('s6-m'), b: v('s6-b'), yStar: v('s6-ystar') };
  for (const [k, val] of Object.entries(c)) if (!Number.isFinite(val)) {
    setStatus(`error: ${k} must be a number`);
    return;
  }
  state.demo = 's6';
  state.graph = backpropGraph(c);
  const body = cardBody('graph', 'o = (max(0, x·m + b) − y*)²: autograd values and gradients (✓: equals the closed form)', true);
  body.replaceChildren(drawGraph(state.graph));
  const ok = state.graph.nodes.every((n) => n.expected === null || n.grad === n.expected);
  state.status = 'done';
  setStatus(ok ? 'backward done: every gradient equals its closed form' : 'backward done: some gradients differ from the closed forms (red)');
}

function train(): void {
  worker?.terminate();
  if (demoIn.value === 's6') {
    for (const body of cardEls.values()) body.parentElement?.remove();
    cardEls.clear();
    byId('summary').replaceChildren();
    handGraph();
    return;
  }
  for (const body of cardEls.values()) body.parentElement?.remove();
  cardEls.clear();
  fullHist.clear();
  s5Spec = null;
  heatmaps = [];
  Object.assign(state, { demo: demoIn.value === 's5' || demoIn.value === 'attention' ? demoIn.value : 'mnist-mlp', graph: null, attention: [], s5: [], status: 'starting', error: null, info: null, batches: [], epochs: [], weights: {}, grads: {}, confusion: null, result: null, model: null });
  byId('status').className = '';
  byId<HTMLButtonElement>('dl-model').disabled = true;
  byId<HTMLButtonElement>('dl-run').disabled = true;
  trainBtn.disabled = true;
  const req: TrainRequest = {
    demo: state.demo === 's5' || state.demo === 'attention' ? state.demo : 'mnist-mlp', kind: kindIn.value as 'xor' | 'checkerboard' | 'blobs', hidden: Math.max(1, Number(hiddenIn.value) | 0), seed: Number(seedIn.value) | 0, epochs: Math.max(1, Number(epochsIn.value) | 0),
    threads: Math.max(1, Number(threadsIn.value) | 0), backend: backendIn.value,
    digits: new URL('assets/mnist-digits.bin', location.href).href,
  };
  state.request = req;
  setStatus('starting the backend…');
  worker = new Worker(new URL('./trainer.js', import.meta.url), { type: 'module', name: 'gradlab-trainer' });
  worker.onmessage = (e: MessageEvent) => onMessage(e.data as { type: string });
  worker.onerror = (e) => onMessage({ type: 'error', message: e.message || 'the training worker failed to start' });
  worker.postMessage(req);
}

trainBtn.addEventListener('click', train);
if (params.get('autostart') === '1') train();
