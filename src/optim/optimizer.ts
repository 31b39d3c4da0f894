/**
 * The Optimizer base, as torch.optim.Optimizer: parameter groups (each with its own
 * hyper-parameters, defaults filled from the constructor), per-parameter state, zeroGrad(),
 * step() and a state dict that can be saved and loaded. Subclasses implement `update` for one
 * parameter; the numeric work is a fused backend kernel or tensor ops under noGrad. SGD, Adam
 * and AdamW also override `updateGroup` to update all the float32 parameters of a group with
 * one multi-tensor kernel call (sgdSteps / adamSteps).
 */
import { Tensor, allocData } from '../tensor/tensor.js';
import type { Parameter } from '../nn/module.js';
import { checkOptions, num, OptionRule, OptionSpec } from '../tensor/options.js';
import { arrayOf, notImplemented } from '../tensor/option-rules.js';

/** Rules shared by the optimizers' option specs (types here; each optimizer's validate checks the ranges with its own messages). */
export const LR = num();
export const NONNEG = num();
export const BETAS: OptionRule = arrayOf(num());
/** PyTorch's `maximize` on an optimizer that does not implement it. */
export const NO_MAXIMIZE: OptionRule = notImplemented(false, 'negate the loss instead');
import { noGrad } from '../autograd/grad-mode.js';
import { neg } from '../autograd/ops/elementwise.js';

export type Hyper = Record<string, number | boolean | number[]>;

export interface ParamGroup<H extends Hyper = Hyper> {
  params: Parameter[];
  options: H;
}

export type ParamsInput<H extends Hyper> = Iterable<Parameter> | Array<{ params: Iterable<Parameter> } & Partial<H>>;

export type ParamState = Record<string, Tensor | number>;

export interface OptimizerStateDict {
  /** Per parameter (by position across groups): its state. */
  state: Record<number, Record<string, number[] | number>>;
  groups: Array<Record<string, number | boolean | number[]>>;
}

export abstract class Optimizer<H extends Hyper = Hyper> {
  readonly paramGroups: ParamGroup<H>[] = [];
  readonly state = new Map<Parameter, ParamState>();

  /** The options this optimizer takes (checked for the defaults and for every parameter group). */
  private readonly spec: OptionSpec;

  constructor(params: ParamsInput<H>, readonly defaults: H, spec?: OptionSpec) {
    this.spec = spec ?? Object.fromEntries(Object.keys(defaults).map((k) => [k, 'any']));
    checkOptions(this.constructor.name, defaults, this.spec);
    const list = [...(params as Iterable<unknown>)];
    const grouped = list.length > 0 && !(list[0] instanceof Tensor);
    const groups = grouped
      ? (list as Array<{ params: Iterable<Parameter> } & Partial<H>>)
      : [{ params: list as Parameter[] } as unknown as { params: Iterable<Parameter> } & Partial<H>];
    for (const g of groups) this.addParamGroup(g);
  }

  addParamGroup(group: { params: Iterable<Parameter> } & Partial<H>): void {
    const params = [...group.params];
    const name = this.constructor.name;
    if (params.length === 0) throw new Error(`${name}: a parameter group has no parameters`);
    for (const p of params) {
      // NOTE: as PyTorch, frozen parameters (requiresGrad false) are accepted; step() skips them (no grad).
      for (const [gi, g] of this.paramGroups.entries()) {
        if (g.params.includes(p)) throw new Error(`${name}: parameter ${p.describe()} appears in more than one group (already in group ${gi})`);
      }
    }
    if (new Set(params).size !== params.length) throw new Error(`${name}: a parameter group lists the same parameter twice`);
    const { params: _, ...rest } = group;
    checkOptions(`${name} (parameter group ${this.paramGroups.length})`, rest, this.spec);
    const options = { ...this.defaults, ...rest } as H;
    this.validate(options);
    this.paramGroups.push({ params, options });
  }

  /** Throws a named error for an invalid hyper-parameter value. */
  protected abstract validate(o: H): void;

  /** Updates one parameter from its gradient. */
  protected abstract update(p: Parameter, grad: Tensor, o: H, state: ParamState): void;

  /**
   * Updates the parameters of one group that have a gradient. The default calls `update` on
   * each; SGD and Adam override it to update a group of float32 parameters with one
   * multi-tensor kernel call.
   */
  protected updateGroup(params: readonly Parameter[], o: H): void {
    for (const p of params) this.update(p, p.grad as Tensor, o, this.stateOf(p));
  }

  /** The state of p, created empty on first use. */
  protected stateOf(p: Parameter): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  step(): void {
    for (const g of this.paramGroups) {
      const withGrad = g.params.filter((p) => p.grad !== null);
      if (withGrad.length === 0) continue;
      if (g.options.maximize !== true) {
        this.updateGroup(withGrad, g.options);
        continue;
      }
      // maximize (PyTorch's option): the step sees −grad; the parameters' own gradients are left as they were.
      const grads = withGrad.map((p) => p.grad as Tensor);
      withGrad.forEach((p, i) => { p.grad = noGrad(() => neg(grads[i])); });
      try {
        this.updateGroup(withGrad, g.options);
      } finally {
        withGrad.forEach((p, i) => { p.grad = grads[i]; });
      }
    }
  }

  /** The learning rate of each group (schedules read and write options.lr). */
  get lrs(): number[] {
    return this.paramGroups.map((g) => Number(g.options.lr));
  }

  /** A buffer of zeros shaped like p, kept in the state. */
  protected buffer(state: ParamState, key: string, p: Parameter): Tensor {
    let b = state[key];
    if (!(b instanceof Tensor)) {
      b = new Tensor(allocData(p.dtype, p.size), p.shape);
      state[key] = b;
    }
    return b;
  }

  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = {};
    let i = 0;
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const s = this.state.get(p);
        if (s) {
          state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? Array.from(v.data) : v]));
        }
        i++;
      }
    }
    return { state, groups: this.paramGroups.map((g) => ({ ...g.options })) };
  }

  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (sd.groups.length !== this.paramGroups.length) {
      throw new Error(`${name}.loadStateDict: the state has ${sd.groups.length} groups, the optimizer has ${this.paramGroups.length}`);
    }
    let i = 0;
    this.state.clear();
    this.paramGroups.forEach((g, gi) => {
      Object.assign(g.options, sd.groups[gi]);
      for (const p of g.params) {
        const s = sd.state[i];
        if (s) {
          const restored: ParamState = {};
          for (const [k, v] of Object.entries(s)) {
            if (Array.isArray(v)) {
              if (v.length !== p.size) throw new Error(`${name}.loadStateDict: state '${k}' of parameter ${i} has ${v.length} values, the parameter has ${p.size}`);
              const d = allocData(p.dtype, p.size);
              d.set(v);
              restored[k] = new Tensor(d, p.shape);
            } else restored[k] = v;
          }
          this.state.set(p, restored);
        }
        i++;
      }
    });
  }
}

/** Whether every parameter and its gradient hold float32 data (the multi-tensor kernels' case). */
export function allFloat32(params: readonly Parameter[]): boolean {
  return params.every((p) => p.dtype === 'float32' && p.grad !== null && p.grad.dtype === 'float32');
}

export function checkRange(opt: string, name: string, v: number, lo: number, hi = Infinity, loOpen = false): void {
  const bad = !Number.isFinite(v) && !(hi === Infinity && v === Infinity) ? true : loOpen ? v <= lo : v < lo;
  if (bad || v > hi) throw new RangeError(`${opt}: invalid ${name} ${v} (expected ${loOpen ? '>' : '≥'} ${lo}${hi !== Infinity ? ` and ≤ ${hi}` : ''})`);
}
