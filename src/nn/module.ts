/**
 * Module and Parameter, as in torch.nn. Assigning a Parameter, a Module or an array of Modules
 * to a field registers it: `namedParameters()` walks fields in assignment order and names
 * entries by path (`layers.0.weight`). Buffers (running statistics) are tensors registered with
 * `registerBuffer` and saved in the state dict but not trained.
 */
import type { Data, Shape } from '../backend/backend.js';
import { shapeStr, sameShape } from '../backend/shape.js';
import { Tensor, allocData, allocStorage } from '../tensor/tensor.js';
import { backend } from '../backend/index.js';
import '../autograd/methods.js';
import { checkOptions, oneOf } from '../tensor/options.js';
import { KeyNames, gradlabKeyToTorch } from './state-names.js';

export interface StateDictOptions {
  /** Key names: gradlab's camelCase (default) or PyTorch's snake_case (`running_mean`, `self_attn.in_proj_weight`). */
  names?: KeyNames;
}

export interface LoadStateDictOptions {
  /** Missing or unexpected keys are an error (default true), as PyTorch's strict. */
  strict?: boolean;
  /** The naming of the given keys: 'auto' (default) takes either, key by key. */
  names?: KeyNames | 'auto';
}

/** A trainable tensor: requiresGrad is on, and its module path becomes its name. */
export class Parameter extends Tensor {
  constructor(value: Tensor | Data, shape?: Shape) {
    const t = value instanceof Tensor ? value : new Tensor(value, shape ?? [value.length]);
    super(t.data, t.shape);
    this.requiresGrad = true;
  }
}

export type StateDict = Record<string, Tensor>;

export abstract class Module {
  /** Training mode: dropout drops, batch norm uses batch statistics. */
  training = true;
  private readonly bufferNames: string[] = [];

  abstract forward(...inputs: Tensor[]): Tensor;

  /** Registers a non-trained tensor saved in the state dict (e.g. running mean). */
  protected registerBuffer(name: string, value: Tensor): void {
    (this as unknown as Record<string, Tensor>)[name] = value;
    if (!this.bufferNames.includes(name)) this.bufferNames.push(name);
  }

  /** Direct sub-modules with their field names (arrays of modules are named name.0, name.1...). */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([k, v]);
      else if (Array.isArray(v) && v.length > 0 && v.every((m) => m instanceof Module)) {
        v.forEach((m: Module, i) => out.push([`${k}.${i}`, m]));
      }
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, with dotted paths ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [k, m] of this.namedChildren()) out.push(...m.namedModules(prefix ? `${prefix}.${k}` : k));
    return out;
  }

  /** Own parameters first, then children's, each under its dotted path. */
  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [path, m] of this.namedModules(prefix)) {
      for (const [k, v] of Object.entries(m)) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          const name = path ? `${path}.${k}` : k;
          v.name ??= name;
          out.push([name, v]);
        }
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.namedModules()) {
      for (const b of m.bufferNames) out.push([path ? `${path}.${b}` : b, (m as unknown as Record<string, Tensor>)[b]]);
    }
    return out;
  }

  /** Number of trainable scalars. */
  countParameters(): number {
    return this.parameters().reduce((a, p) => a + p.size, 0);
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Parameters and buffers by path. The tensors are the live ones (as in PyTorch). With
   * `{ names: 'torch' }` the keys are PyTorch's (`bn.running_mean`, `lstm.weight_ih_l0`), so
   * that torch's load_state_dict takes the file strictly.
   */
  stateDict(o: StateDictOptions = {}): StateDict {
    const { names = 'gradlab' } = checkOptions('stateDict', o, { names: oneOf(['gradlab', 'torch']) });
    const sd: StateDict = {};
    for (const [k, p] of this.namedParameters()) sd[k] = p;
    for (const [k, b] of this.namedBuffers()) sd[k] = b;
    if (names === 'gradlab') return sd;
    const out: StateDict = {};
    for (const [k, t] of Object.entries(sd)) {
      const tk = gradlabKeyToTorch(k);
      if (tk in out) throw new Error(`stateDict(${this.constructor.name}): two keys become '${tk}' in PyTorch's naming`);
      out[tk] = t;
    }
    return out;
  }

  /** The given state dict with its keys in gradlab's naming (each key as given when it is one of ours, else translated from PyTorch's). */
  private ownNaming(sd: StateDict, names: KeyNames | 'auto'): StateDict {
    if (names === 'gradlab') return sd;
    const own = this.stateDict();
    const fromTorch = new Map(Object.keys(own).map((k) => [gradlabKeyToTorch(k), k]));
    const out: StateDict = {};
    for (const [k, t] of Object.entries(sd)) {
      const mine = names === 'auto' && Object.prototype.hasOwnProperty.call(own, k) ? k : fromTorch.get(k) ?? k;
      if (Object.prototype.hasOwnProperty.call(out, mine)) throw new Error(`loadStateDict(${this.constructor.name}): the state dict has '${mine}' under both namings`);
      out[mine] = t;
    }
    return out;
  }

  /**
   * Copies values from a state dict into this module's tensors. With strict (default), missing
   * or unexpected keys are an error; a shape mismatch always is. Nothing is changed on error.
   * Keys may be gradlab's or PyTorch's (`names`, default 'auto'); values are converted to the
   * module's dtypes (PyTorch's int64 num_batches_tracked, float16 weights...).
   */
  loadStateDict(given: StateDict, opts: LoadStateDictOptions = {}): void {
    checkOptions('loadStateDict', opts, { strict: 'boolean', names: oneOf(['gradlab', 'torch', 'auto']) });
    const sd = this.ownNaming(given, opts.names ?? 'auto');
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !(k in sd));
    const unexpected = Object.keys(sd).filter((k) => !(k in own));
    const problems: string[] = [];
    if ((opts.strict ?? true) && missing.length) problems.push(`missing keys: ${missing.join(', ')}`);
    if ((opts.strict ?? true) && unexpected.length) problems.push(`unexpected keys: ${unexpected.join(', ')}`);
    for (const [k, t] of Object.entries(own)) {
      const src = sd[k];
      if (src && !sameShape(src.shape, t.shape)) {
        problems.push(`size mismatch for ${k}: the state dict has ${shapeStr(src.shape)}, the module has ${shapeStr(t.shape)}`);
      }
    }
    if (problems.length) throw new Error(`loadStateDict(${this.constructor.name}): ${problems.join('; ')}`);
    for (const [k, t] of Object.entries(own)) {
      const src = sd[k];
      if (!src) continue;
      if (src.dtype === t.dtype) t.data.set(src.data);
      else for (let i = 0; i < t.size; i++) t.data[i] = src.data[i];
    }
  }

  /** Applies fn to every module (children first), like torch's Module.apply. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /** Extra text shown in toString(), e.g. 'inFeatures=784, outFeatures=100'. */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (!kids.length) return `${head})`;
    const body = kids.map(([k, m]) => `  (${k}): ${m.toString().replace(/\n/g, '\n  ')}`).join('\n');
    return `${head}\n${body}\n)`;
  }
}

/** A deep copy of a state dict (for keeping the best model while training goes on). */
export function cloneStateDict(sd: StateDict): StateDict {
  const out: StateDict = {};
  for (const [k, t] of Object.entries(sd)) {
    // A copy where the values live (on a device backend: on the device, no read back).
    const c = new Tensor(allocStorage(t.dtype, t.size), t.shape);
    backend().cast(t.storage, c.storage);
    out[k] = c;
  }
  return out;
}
