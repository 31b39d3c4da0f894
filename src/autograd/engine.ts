/**
 * Reverse-mode differentiation. backward() orders the graph topologically with an explicit
 * stack (no recursion: a 100,000-op chain is fine), then walks it from the output, calling each
 * node's rule under noGrad and summing the gradients that reach each tensor. Leaves that require
 * gradients (and tensors that asked with retainGrad) receive them in `.grad`, accumulated across
 * calls as in PyTorch. Unless retainGraph is set, each node's rule is dropped once used, which
 * frees the tensors it saved; going back through it again is an error that says so.
 */
import { shapeStr, sameShape } from '../backend/shape.js';
import { backend } from '../backend/index.js';
import { SliceGrad, Tensor, allocData, allocStorage } from '../tensor/tensor.js';
import { noGrad } from './grad-mode.js';
import { checkOptions } from '../tensor/options.js';

export interface BackwardOptions {
  /** Keep the graph so that backward can run through it again. */
  retainGraph?: boolean;
}

const retained = new WeakSet<Tensor>();

/** Asks backward() to also store this non-leaf tensor's gradient in `.grad`. */
export function retainGrad(t: Tensor): Tensor {
  retained.add(t);
  return t;
}

/** Tensors reachable from root through gradFn, each after all tensors it depends on. */
export function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: Array<{ t: Tensor; next: number }> = [{ t: root, next: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const inputs = top.t.gradFn?.inputs ?? [];
    if (top.next < inputs.length) {
      const child = inputs[top.next++];
      if (!seen.has(child) && child.requiresGrad) {
        seen.add(child);
        stack.push({ t: child, next: 0 });
      }
    } else {
      order.push(top.t);
      stack.pop();
    }
  }
  return order;
}

function addInto(a: Tensor, b: Tensor): Tensor {
  const out = new Tensor(allocStorage(a.dtype, a.size), a.shape);
  backend().binary('add', a.storage, a.shape, b.storage, b.shape, out.storage, a.shape);
  return out;
}

function copyOf(t: Tensor): Tensor {
  const d = new Tensor(allocStorage(t.dtype, t.size), t.shape);
  backend().cast(t.storage, d.storage);
  return d;
}

export function backward(root: Tensor, grad?: Tensor, opts: BackwardOptions = {}): void {
  checkOptions('backward', opts, { retainGraph: 'boolean', createGraph: (v) => (v === false ? null : 'is not implemented in gradlab (no higher-order gradients)') });
  if (!root.requiresGrad) {
    throw new Error(`backward: ${root.describe()} does not require grad and has no gradFn (did you compute it under noGrad, or forget requiresGrad on the inputs?)`);
  }
  if (!grad) {
    if (root.size !== 1) {
      throw new Error(`backward: output has shape ${shapeStr(root.shape)}; backward() without a gradient needs a scalar (one element). Pass a gradient of shape ${shapeStr(root.shape)}, or reduce with .sum() or .mean() first`);
    }
    const g = allocData(root.dtype, 1);
    g[0] = 1;
    grad = new Tensor(g, root.shape);
  } else if (!sameShape(grad.shape, root.shape)) {
    throw new Error(`backward: gradient has shape ${shapeStr(grad.shape)} but the output has shape ${shapeStr(root.shape)}`);
  }
  const order = topoOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, grad]]);
  // Sums that the engine allocated itself: only these may be added into in place (a rule may
  // return the same tensor for several inputs, e.g. add passes g to both).
  const owned = new Set<Tensor>();
  const accumulate = (x: Tensor, gx: Tensor | SliceGrad): void => {
    const prev = grads.get(x);
    if (!(gx instanceof Tensor)) {
      let target = prev;
      if (!target) target = new Tensor(allocStorage(gx.src.dtype, x.size), x.shape);
      else if (!owned.has(target)) target = copyOf(target);
      owned.add(target);
      backend().sliceAdd(gx.src.storage, gx.src.shape, target.storage, target.shape, gx.begin, gx.step);
      grads.set(x, target);
    } else if (!prev) grads.set(x, gx);
    else if (owned.has(prev) && prev.dtype === gx.dtype) {
      backend().binary('add', prev.storage, prev.shape, gx.storage, gx.shape, prev.storage, prev.shape);
    } else {
      const sum = addInto(prev, gx);
      owned.add(sum);
      grads.set(x, sum);
    }
  };
  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const node = t.gradFn;
      // From here g belongs to this node's rule, which may hand it (or views of it) to several
      // inputs: it must never be added into in place again.
      const mine = owned.delete(g);
      if (!node || retained.has(t)) t.grad = t.grad ? addInto(t.grad, g) : mine && !node ? g : copyOf(g);
      if (!node) continue;
      if (!node.backward) {
        throw new Error(`backward: the graph through '${node.op}' (output ${t.describe()}) was already freed by an earlier backward(); pass { retainGraph: true } to the first call to go back through it twice`);
      }
      const inGrads = node.backward(g);
      if (!opts.retainGraph) node.backward = null;
      for (let k = 0; k < node.inputs.length; k++) {
        const x = node.inputs[k];
        const gx = inGrads[k];
        if (!gx || !x.requiresGrad) continue;
        if (gx instanceof Tensor && !sameShape(gx.shape, x.shape)) {
          throw new Error(`backward: rule of '${node.op}' returned a gradient of shape ${shapeStr(gx.shape)} for input ${k} of shape ${shapeStr(x.shape)}`);
        }
        accumulate(x, gx);
      }
    }
  });
}
