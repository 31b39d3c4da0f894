/**
 * Diagnostics computed from what the tracker records, flagged in the console (`gradlab run`),
 * the study and run reports and the dashboard:
 *
 * - over-fitting onset: the epoch of the lowest validation loss, followed by at least `patience`
 *   epochs without a new minimum, the run ending clearly above it while training loss kept falling;
 * - dead ReLU units: per ReLU layer, the fraction of units never active on a validation batch
 *   (the Tracker logs it as 'diag/dead_relu/<layer>' each epoch);
 * - vanishing / exploding gradients: per-layer gradient RMS (from the 'grads/<param>' histograms:
 *   √(sum of squares / n)) compared over depth (first weight layer against the last) and over
 *   time (each layer's last epoch against its first), plus non-finite gradients;
 * - loss divergence: a training loss that becomes NaN / infinite, or ends far above where it
 *   started and far above its minimum.
 *
 * Everything here reads numbers; nothing a record names is fetched or executed.
 */
import type { RunStore } from './store.js';

export type DiagnosticKind = 'overfitting' | 'dead-relu' | 'vanishing-gradients' | 'exploding-gradients' | 'divergence';

export interface Diagnostic {
  kind: DiagnosticKind;
  /** The step (epoch) it starts or was seen at. */
  step: number;
  /** The layer (ReLU module path or parameter name) for per-layer findings. */
  layer?: string;
  /** The number behind the finding (dead fraction, gradient ratio, …). */
  value: number;
  /** One plain sentence. */
  message: string;
}

export type Series = readonly { step: number; value: number }[];

export interface DiagnosticOptions {
  /** Epochs without a new validation-loss minimum before over-fitting is called (default 5). */
  patience?: number;
  /** How far above its minimum the validation loss must end, relative (default 0.05). */
  minRise?: number;
  /** Fraction of dead units that flags a ReLU layer (default 0.5). */
  deadFraction?: number;
  /** First-layer / last-layer gradient RMS below this is vanishing (default 1e-2)… */
  vanishRatio?: number;
  /** …and above this, or growth over time above this, is exploding (default 1e2). */
  explodeRatio?: number;
}

/**
 * Over-fitting onset: the epoch of the lowest validation loss, when at least `patience` epochs
 * followed it without a new minimum, the validation loss ends more than `minRise` above that
 * minimum and the training loss kept falling over the same epochs. Judged on the whole run, so a
 * passing bump of a noisy validation loss is not called over-fitting. Series sorted by step.
 */
export function detectOverfitting(train: Series, val: Series, o: DiagnosticOptions = {}): Diagnostic | null {
  const patience = o.patience ?? 5;
  const minRise = o.minRise ?? 0.05;
  if (val.length === 0 || val.some((p) => !Number.isFinite(p.value))) return null; // divergence, not over-fitting
  const trainAt = new Map(train.map((p) => [p.step, p.value]));
  let best = 0;
  for (let i = 1; i < val.length; i++) if (val[i]!.value < val[best]!.value) best = i;
  const last = val.length - 1;
  if (last - best < patience) return null;
  const b = val[best]!;
  const l = val[last]!;
  const trB = trainAt.get(b.step);
  const trL = trainAt.get(l.step);
  if (trB === undefined || trL === undefined || !(trL < trB)) return null;
  if (!(l.value > b.value + minRise * Math.abs(b.value))) return null;
  return {
    kind: 'overfitting', step: b.step, value: l.value / b.value,
    message: `over-fitting from epoch ${b.step}: validation loss ${fmt(b.value)} there, ${fmt(l.value)} at epoch ${l.step} (no new minimum for ${last - best} epochs) while training loss fell from ${fmt(trB)} to ${fmt(trL)}`,
  };
}

/** Flags every ReLU layer whose last logged dead fraction is at least `deadFraction`. */
export function detectDeadRelu(byLayer: ReadonlyMap<string, Series>, o: DiagnosticOptions = {}): Diagnostic[] {
  const limit = o.deadFraction ?? 0.5;
  const out: Diagnostic[] = [];
  for (const [layer, s] of byLayer) {
    const last = s[s.length - 1];
    if (!last || !(last.value >= limit)) continue;
    out.push({ kind: 'dead-relu', step: last.step, layer, value: last.value, message: `dead ReLU units in layer ${layer}: ${(100 * last.value).toFixed(0)}% never active on a validation batch at epoch ${last.step}` });
  }
  return out;
}

/** Natural order of parameter names by depth: 'net.2.weight' before 'net.10.weight'. */
export function depthOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * Gradient RMS per weight parameter (in depth order: first layer first) over steps. Biases and
 * one-number parameters are left out; vanishing means the first layer gets a tiny fraction of
 * the last layer's gradient.
 */
export function detectGradientProblems(gradRms: ReadonlyMap<string, Series>, o: DiagnosticOptions = {}): Diagnostic[] {
  const vanish = o.vanishRatio ?? 1e-2;
  const explode = o.explodeRatio ?? 1e2;
  const out: Diagnostic[] = [];
  const layers = [...gradRms.keys()].sort(depthOrder);
  for (const l of layers) {
    const bad = gradRms.get(l)!.find((p) => !Number.isFinite(p.value));
    if (bad) out.push({ kind: 'exploding-gradients', step: bad.step, layer: l, value: bad.value, message: `exploding gradients: ${l} has a non-finite gradient (${bad.value}) at epoch ${bad.step}` });
  }
  if (out.length) return out;
  if (layers.length >= 2) {
    const first = gradRms.get(layers[0]!)!;
    const last = gradRms.get(layers[layers.length - 1]!)!;
    const lastStep = Math.min(first[first.length - 1]?.step ?? -1, last[last.length - 1]?.step ?? -1);
    const f = first.find((p) => p.step === lastStep);
    const l = last.find((p) => p.step === lastStep);
    if (f && l && l.value > 0) {
      const ratio = f.value / l.value;
      if (ratio < vanish) {
        out.push({ kind: 'vanishing-gradients', step: lastStep, layer: layers[0], value: ratio, message: `vanishing gradients: the first layer (${layers[0]}) gets ${ratio.toExponential(1)}× the gradient of the last (${layers[layers.length - 1]}) at epoch ${lastStep} (${layers.length} weight layers)` });
      } else if (ratio > explode) {
        out.push({ kind: 'exploding-gradients', step: lastStep, layer: layers[0], value: ratio, message: `exploding gradients over depth: the first layer (${layers[0]}) gets ${ratio.toExponential(1)}× the gradient of the last (${layers[layers.length - 1]}) at epoch ${lastStep}` });
      }
    }
  }
  for (const l of layers) {
    const s = gradRms.get(l)!;
    if (s.length < 2 || !(s[0]!.value > 0)) continue;
    const growth = s[s.length - 1]!.value / s[0]!.value;
    if (growth > explode) {
      out.push({ kind: 'exploding-gradients', step: s[s.length - 1]!.step, layer: l, value: growth, message: `exploding gradients over time: ${l}'s gradient grew ${growth.toExponential(1)}× from epoch ${s[0]!.step} to ${s[s.length - 1]!.step}` });
    }
  }
  return out;
}

/** NaN / infinite training loss, or a loss that ends above 1.5× its start and 3× its minimum. */
export function detectDivergence(loss: Series, tag = 'train/loss'): Diagnostic | null {
  const bad = loss.find((p) => !Number.isFinite(p.value));
  if (bad) return { kind: 'divergence', step: bad.step, value: bad.value, message: `loss divergence: ${tag} is ${bad.value} at step ${bad.step}` };
  if (loss.length < 3) return null;
  const first = loss[0]!.value;
  const last = loss[loss.length - 1]!;
  const min = Math.min(...loss.map((p) => p.value));
  if (last.value > 1.5 * first && last.value > 3 * min) {
    return { kind: 'divergence', step: last.step, value: last.value / min, message: `loss divergence: ${tag} ends at ${fmt(last.value)} (step ${last.step}), ${(last.value / min).toFixed(1)}× its minimum ${fmt(min)} and above its start ${fmt(first)}` };
  }
  return null;
}

export interface RunSignals {
  /** Scalars by tag. */
  scalars: ReadonlyMap<string, Series>;
  /** Gradient RMS by weight parameter name. */
  gradRms: ReadonlyMap<string, Series>;
}

/** Every diagnostic of a run's records. */
export function diagnose(sig: RunSignals, o: DiagnosticOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const train = sig.scalars.get('train/loss');
  const val = sig.scalars.get('val/loss');
  const div = train ? detectDivergence(train) : null;
  if (div) out.push(div);
  if (train && val && !div) {
    const of = detectOverfitting(train, val, o);
    if (of) out.push(of);
  }
  const dead = new Map<string, Series>();
  for (const [tag, s] of sig.scalars) if (tag.startsWith(DEAD_RELU_PREFIX)) dead.set(tag.slice(DEAD_RELU_PREFIX.length), s);
  out.push(...detectDeadRelu(dead, o));
  out.push(...detectGradientProblems(sig.gradRms, o));
  return out;
}

/** The tag prefix the Tracker logs dead-unit fractions under. */
export const DEAD_RELU_PREFIX = 'diag/dead_relu/';

/** Reads a run's scalars and gradient histograms from the store and diagnoses them. */
export function diagnoseRun(store: RunStore, runId: string, o: DiagnosticOptions = {}): Diagnostic[] {
  const scalars = new Map<string, { step: number; value: number }[]>();
  for (const p of store.scalars(runId)) {
    const l = scalars.get(p.tag);
    if (l) l.push({ step: p.step, value: p.value });
    else scalars.set(p.tag, [{ step: p.step, value: p.value }]);
  }
  return diagnose({ scalars, gradRms: gradRmsOf(store, runId) }, o);
}

/** Gradient RMS per weight parameter from the 'grads/<name>' histograms. */
export function gradRmsOf(store: RunStore, runId: string): Map<string, { step: number; value: number }[]> {
  const out = new Map<string, { step: number; value: number }[]>();
  for (const tag of store.tags(runId).histograms) {
    if (!tag.startsWith('grads/')) continue;
    const name = tag.slice('grads/'.length);
    if (/(^|\.)bias$/.test(name)) continue;
    const pts = store.histograms(runId, { tag })
      .filter((h) => h.num > 1)
      .map((h) => ({ step: h.step, value: h.nanCount > 0 ? NaN : Math.sqrt(h.sumSquares / h.num) }));
    if (pts.length) out.set(name, pts);
  }
  return out;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4)) : String(v);
}
