/**
 * Checkpoints: a model's state dict, its optimizer's state and a little bookkeeping (epoch,
 * metrics) in one safetensors file, written atomically. Optimizer buffers become tensors named
 * `optimizer.<param index>.<key>`; groups, scalar state and the rest go to the metadata.
 */
import type { Module } from '../nn/module.js';
import type { Optimizer, OptimizerStateDict } from '../optim/optimizer.js';
import { Tensor } from '../tensor/tensor.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';

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
