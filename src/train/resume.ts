/**
 * Resume support for the fit loop: what fit() saves at the end of every epoch (a FitSnapshot:
 * weights, optimizer, every generator reachable from the model and the training loader, the
 * loader's position, the state of callbacks that keep some, best-model state, history) and the
 * FitCheckpointer interface that stores it. Nothing here touches files: io/checkpoint.ts writes
 * snapshots atomically and studies/resume.ts keeps one per fit() call of a study run.
 *
 * A checkpointer is given to fit() as `checkpoint`, or installed for a whole study run with
 * `withCheckpointer` (the CLI does that), so that studies need no code for it.
 */
import type { FitSnapshot } from '../io/checkpoint.js';
import type { Module } from '../nn/module.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Callback } from './callbacks.js';

export type { FitSnapshot };

/** A callback, loader or other part of the loop that can save and restore its state. */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

export function isStateful(x: unknown): x is Stateful {
  return typeof x === 'object' && x !== null && typeof (x as Stateful).stateDict === 'function' && typeof (x as Stateful).loadStateDict === 'function';
}

export interface FitCheckpointer {
  /** Called when fit() starts: a key for this fit and the snapshot saved under it, if any. */
  open(info: { epochs: number; parameters: number }): { key: string; snapshot: FitSnapshot | null };
  /** Called at every epoch end and once when the fit is done; must write atomically. */
  save(key: string, snapshot: FitSnapshot, callbacks: readonly Callback[]): void;
}

let active: FitCheckpointer | null = null;

/** Installs a checkpointer for every fit() that does not pass its own, while fn runs. */
export async function withCheckpointer<T>(c: FitCheckpointer | null, fn: () => Promise<T>): Promise<T> {
  const prev = active;
  active = c;
  try {
    return await fn();
  } finally {
    active = prev;
  }
}

export function activeCheckpointer(): FitCheckpointer | null {
  return active;
}

function walk(x: unknown, depth: number, seen: Set<unknown>, out: Generator[]): void {
  if (typeof x !== 'object' || x === null || seen.has(x) || depth < 0) return;
  seen.add(x);
  if (x instanceof Generator) {
    out.push(x);
    return;
  }
  if (x instanceof Tensor || ArrayBuffer.isView(x) || x instanceof ArrayBuffer) return;
  if (Array.isArray(x)) {
    for (const v of x) if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) walk(v, depth - 1, seen, out);
    return;
  }
  if (x instanceof Map || x instanceof Set) return;
  for (const v of Object.values(x)) walk(v, depth - 1, seen, out);
}

/**
 * The generators a training run draws from: those reachable (own properties, a few levels deep)
 * from the model and the training loader, then the default generator. The order is the walk's,
 * so the same code builds the same list.
 */
export function reachableGenerators(model: Module, loader: unknown): Generator[] {
  const out: Generator[] = [];
  const seen = new Set<unknown>();
  walk(model, 8, seen, out);
  walk(loader, 4, seen, out);
  const d = defaultGenerator();
  if (!out.includes(d)) out.push(d);
  return out;
}
