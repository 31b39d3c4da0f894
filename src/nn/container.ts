/** Containers: Sequential chains modules; ModuleList holds them for a custom forward. */
import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

function describe(v: unknown): string {
  if (v !== null && typeof v === 'object') return `an object with keys ${Object.keys(v).join(', ') || 'none'}`;
  return typeof v === 'function' ? 'a function' : JSON.stringify(v) ?? String(v);
}

export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module)) throw new TypeError(`Sequential: argument ${i} is not a Module (got ${describe(m)}); Sequential takes no options`);
    });
    this.layers = layers;
  }

  /** Children are named by position ('0', '1'...), so state keys read `0.weight` as in PyTorch. */
  override namedChildren(): [string, Module][] {
    return this.layers.map((m, i) => [String(i), m]);
  }

  get length(): number {
    return this.layers.length;
  }

  at(i: number): Module {
    const m = this.layers.at(i);
    if (!m) throw new RangeError(`Sequential: index ${i} is out of range for ${this.layers.length} layers`);
    return m;
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (const [i, m] of this.layers.entries()) {
      try {
        h = m.forward(h);
      } catch (e) {
        if (e instanceof Error && !e.message.includes(' (in ')) e.message += ` (in layer ${i}: ${m.constructor.name})`;
        throw e;
      }
    }
    return h;
  }
}

export class ModuleList extends Module {
  readonly items: Module[];

  constructor(items: Module[] = []) {
    super();
    if (!Array.isArray(items)) throw new TypeError(`ModuleList: expected an array of Modules, got ${describe(items)}; ModuleList takes no options`);
    items.forEach((m, i) => {
      if (!(m instanceof Module)) throw new TypeError(`ModuleList: item ${i} is not a Module (got ${describe(m)})`);
    });
    this.items = items;
  }

  override namedChildren(): [string, Module][] {
    return this.items.map((m, i) => [String(i), m]);
  }

  push(m: Module): void {
    this.items.push(m);
  }

  forward(): Tensor {
    throw new Error('ModuleList has no forward; iterate over .items');
  }
}
