/**
 * Checkpoints: a model's state dict, its optimizer's state and a little bookkeeping (epoch,
 * metrics) in one safetensors file, written atomically. Optimizer buffers become tensors named
 * `optimizer.<param index>.<key>`; groups, scalar state and the rest go to the metadata.
 */
import type { Module } from '../nn/module.js';
import type { Optimizer, OptimizerStateDict } from '../optim/optimizer.js';
import { Tensor } from '../tensor/tensor.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';
import type { StateDict } from '../nn/module.js';
import type { GeneratorState } from '../tensor/random.js';

export interface CheckpointInfo {
  epoch?: number;
  metrics?: Record<string, number>;
  [key: string]: unknown;
}

const MODEL = 'model.';
const OPT = 'optimizer.';

export function saveCheckpoint(path: string, model: Module, optimizer?: Optimizer | null, info: CheckpointInfo = {}): void {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) tensors[MODEL + k] = t;
  const meta: Record<string, string> = { format: 'gradlab-checkpoint-1', info: JSON.stringify(info) };
  if (optimizer) {
    const sd = optimizer.stateDict();
    const scalars: Record<string, Record<string, number>> = {};
    for (const [i, s] of Object.entries(sd.state)) {
      for (const [k, v] of Object.entries(s)) {
        if (Array.isArray(v)) tensors[`${OPT}${i}.${k}`] = new Tensor(Float64Array.from(v), [v.length]);
        else (scalars[i] ??= {})[k] = v;
      }
    }
    meta.optimizer = JSON.stringify({ type: optimizer.constructor.name, groups: sd.groups, scalars });
  }
  saveSafetensors(path, tensors, meta);
}

/** Restores a checkpoint into the model (strict) and optimizer; returns its info. */
export function loadCheckpoint(path: string, model: Module, optimizer?: Optimizer | null): CheckpointInfo {
  const { tensors, metadata } = loadSafetensors(path);
  if (metadata.format !== 'gradlab-checkpoint-1') throw new Error(`loadCheckpoint: ${path} is a safetensors file but not a gradlab checkpoint (metadata.format = ${metadata.format ?? 'missing'})`);
  const sd: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) if (k.startsWith(MODEL)) sd[k.slice(MODEL.length)] = t;
  model.loadStateDict(sd);
  if (optimizer) {
    if (!metadata.optimizer) throw new Error(`loadCheckpoint: ${path} holds no optimizer state`);
    const o = JSON.parse(metadata.optimizer) as { type: string; groups: OptimizerStateDict['groups']; scalars: Record<string, Record<string, number>> };
    if (o.type !== optimizer.constructor.name) throw new Error(`loadCheckpoint: ${path} holds ${o.type} state, not ${optimizer.constructor.name}`);
    const state: OptimizerStateDict['state'] = {};
    for (const [i, s] of Object.entries(o.scalars)) state[Number(i)] = { ...s };
    for (const [k, t] of Object.entries(tensors)) {
      if (!k.startsWith(OPT)) continue;
      const [i, key] = k.slice(OPT.length).split('.');
      (state[Number(i)] ??= {})[key] = Array.from(t.data);
    }
    optimizer.loadStateDict({ state, groups: o.groups });
  }
  return JSON.parse(metadata.info ?? '{}') as CheckpointInfo;
}

// ---------- resume checkpoints (one fit() snapshot per file) ----------

/** Everything fit() needs to continue after an epoch (train/resume.ts fills it). */
export interface FitSnapshot {
  /** Epochs completed. */
  epoch: number;
  /** Epochs planned (a resumed fit must plan the same). */
  epochs: number;
  /** Global batch step. */
  step: number;
  /** True once the fit ended (best weights restored, test scored). */
  done: boolean;
  stopTraining: boolean;
  history: Array<{ epoch: number; metrics: Record<string, number>; seconds: number }>;
  bestEpoch: number | null;
  bestScore: number;
  model: StateDict;
  best: StateDict | null;
  optimizer: OptimizerStateDict;
  /** The training loader's own state (DataLoader.stateDict), when it has one. */
  loader: unknown;
  /** Every generator reachable from the model and the training loader, in walk order, then the default generator. */
  generators: GeneratorState[];
  /** Per callback index: its stateDict(), or null when it keeps none. */
  callbacks: unknown[];
  test: { loss: number; accuracy?: number; count: number } | null;
  /** Number of parameters (a check that the checkpoint belongs to this model). */
  parameters: number;
}

const BEST = 'best.';

/** JSON with NaN and ±Infinity kept (as tagged strings), so metrics and scores round-trip exactly. */
function encodeJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? `__num:${x}` : x));
}

function decodeJson<T>(s: string): T {
  return JSON.parse(s, (_k, x: unknown) => (typeof x === 'string' && x.startsWith('__num:') ? Number(x.slice(6)) : x)) as T;
}

/**
 * Writes a fit snapshot (train/resume.ts) atomically: weights, best weights and optimizer
 * buffers as tensors (optimizer values in float64, exact), the rest (generators, loader position,
 * callbacks, history, best score) as JSON in the metadata, with `extra` beside it.
 */
export function saveFitSnapshot(path: string, snap: FitSnapshot, extra: Record<string, unknown> = {}): void {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(snap.model)) tensors[MODEL + k] = t;
  if (snap.best) for (const [k, t] of Object.entries(snap.best)) tensors[BEST + k] = t;
  const scalars: Record<string, Record<string, number>> = {};
  for (const [i, s] of Object.entries(snap.optimizer.state)) {
    for (const [k, v] of Object.entries(s)) {
      if (Array.isArray(v)) tensors[`${OPT}${i}.${k}`] = new Tensor(Float64Array.from(v), [v.length]);
      else (scalars[i] ??= {})[k] = v;
    }
  }
  const { model: _m, best, optimizer, ...rest } = snap;
  const meta: Record<string, string> = {
    format: 'gradlab-fit-snapshot-1',
    snapshot: encodeJson({ ...rest, hasBest: best !== null, optimizer: { groups: optimizer.groups, scalars } }),
    extra: encodeJson(extra),
  };
  saveSafetensors(path, tensors, meta);
}

/** Reads a snapshot written by saveFitSnapshot; `extra` is what was saved beside it. */
export function loadFitSnapshot(path: string): { snapshot: FitSnapshot; extra: Record<string, unknown> } {
  const { tensors, metadata } = loadSafetensors(path);
  if (metadata.format !== 'gradlab-fit-snapshot-1' || !metadata.snapshot) {
    throw new Error(`loadFitSnapshot: ${path} is not a gradlab resume checkpoint (metadata.format = ${metadata.format ?? 'missing'})`);
  }
  const rest = decodeJson<Omit<FitSnapshot, 'model' | 'best' | 'optimizer'> & { hasBest: boolean; optimizer: { groups: OptimizerStateDict['groups']; scalars: Record<string, Record<string, number>> } }>(metadata.snapshot);
  const model: Record<string, Tensor> = {};
  const best: Record<string, Tensor> = {};
  const state: OptimizerStateDict['state'] = {};
  for (const [i, s] of Object.entries(rest.optimizer.scalars)) state[Number(i)] = { ...s };
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith(MODEL)) model[k.slice(MODEL.length)] = t;
    else if (k.startsWith(BEST)) best[k.slice(BEST.length)] = t;
    else if (k.startsWith(OPT)) {
      const rest2 = k.slice(OPT.length);
      const dot = rest2.indexOf('.');
      (state[Number(rest2.slice(0, dot))] ??= {})[rest2.slice(dot + 1)] = Array.from(t.data);
    }
  }
  const { hasBest, optimizer, ...plain } = rest;
  const snapshot: FitSnapshot = { ...plain, model, best: hasBest ? best : null, optimizer: { state, groups: optimizer.groups } };
  return { snapshot, extra: decodeJson<Record<string, unknown>>(metadata.extra ?? '{}') };
}
