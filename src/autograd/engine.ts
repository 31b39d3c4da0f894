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
import { SliceGrad, Tensor, allocData, allocStorage, recycleTemp } from '../tensor/tensor.js';
import { expose, isExposed, track, untrack } from '../tensor/buffer-pool.js';
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
  const born = track();
  try {
    noGrad(() => walk(order, root, grad as Tensor, born, opts.retainGraph === true));
  } finally {
    untrack(born);
  }
}

/**
 * The walk itself. Besides the gradients, it keeps the books that let it give dead gradient
 * arrays back to the buffer pool (buffer-pool.ts): an array may go back only if it was allocated
 * during this backward() (`born`: never a forward activation or a user's tensor), no pending
 * gradient refers to its buffer (`refs`: rules may pass one tensor, or views of it, to several
 * inputs), and it was never handed out (a `.grad`, or a rule recorded outside gradlab).
 */
function walk(order: Tensor[], root: Tensor, grad: Tensor, born: Set<ArrayBufferLike>, retainGraph: boolean): void {
  const grads = new Map<Tensor, Tensor>([[root, grad]]);
  // Sums that the engine allocated itself: only these may be added into in place (a rule may
  // return the same tensor for several inputs, e.g. add passes g to both).
  const owned = new Set<Tensor>();
  const refs = new Map<ArrayBufferLike, number>();
  const bufferOf = (t: Tensor): ArrayBufferLike | null => {
    const a = t.hostArray;
    return a !== null && born.has(a.buffer) ? a.buffer : null;
  };
  const hold = (t: Tensor): void => {
    const b = bufferOf(t);
    if (b !== null) refs.set(b, (refs.get(b) ?? 0) + 1);
  };
  const unhold = (t: Tensor): void => {
    const b = bufferOf(t);
    if (b === null) return;
    const r = (refs.get(b) ?? 0) - 1;
    if (r > 0) refs.set(b, r);
    else refs.delete(b);
  };
  /** Whether nothing but the caller can reach t's values (so they may be kept, or pooled). */
  const free = (t: Tensor): boolean => {
    const b = bufferOf(t);
    return b !== null && !refs.has(b) && !isExposed(b);
  };
  const exposeTensor = (t: Tensor): void => {
    const a = t.hostArray;
    if (a !== null) expose(a.buffer);
  };
  const set = (x: Tensor, v: Tensor, prev: Tensor | undefined, dead: Tensor[]): void => {
    grads.set(x, v);
    hold(v);
    if (prev !== undefined) {
      unhold(prev);
      dead.push(prev);
    }
  };
  const accumulate = (x: Tensor, gx: Tensor | SliceGrad, dead: Tensor[]): void => {
    const prev = grads.get(x);
    if (!(gx instanceof Tensor)) {
      let target = prev;
      if (!target) target = new Tensor(allocStorage(gx.src.dtype, x.size), x.shape);
      else if (!owned.has(target)) target = copyOf(target);
      owned.add(target);
      backend().sliceAdd(gx.src.storage, gx.src.shape, target.storage, target.shape, gx.begin, gx.step);
      if (target !== prev) set(x, target, prev, dead);
      dead.push(gx.src);
    } else if (!prev) {
      set(x, gx, undefined, dead);
    } else if (owned.has(prev) && prev.dtype === gx.dtype) {
      backend().binary('add', prev.storage, prev.shape, gx.storage, gx.shape, prev.storage, prev.shape);
      dead.push(gx);
    } else {
      const sum = addInto(prev, gx);
      owned.add(sum);
      set(x, sum, prev, dead);
      dead.push(gx);
    }
  };
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    const g = grads.get(t);
    if (!g) continue;
    grads.delete(t);
    unhold(g);
    const node = t.gradFn;
    // From here g belongs to this node's rule, which may hand it (or views of it) to several
    // inputs: it must never be added into in place again.
    owned.delete(g);
    if (!node || retained.has(t)) {
      // A leaf keeps g itself when nothing else refers to it; what becomes a .grad is the user's.
      const kept = t.grad ? addInto(t.grad, g) : !node && free(g) ? g : copyOf(g);
      exposeTensor(kept);
      t.grad = kept;
      // Added into an earlier .grad, or copied: g itself is dead now.
      if (!node && kept !== g && free(g)) recycleTemp(g);
    }
    if (!node) continue;
    if (!node.backward) {
      throw new Error(`backward: the graph through '${node.op}' (output ${t.describe()}) was already freed by an earlier backward(); pass { retainGraph: true } to the first call to go back through it twice`);
    }
    if (node.external === true) exposeTensor(g);
    const inGrads = node.backward(g);
    if (!retainGraph) node.backward = null;
    const dead: Tensor[] = [g];
    for (let k = 0; k < node.inputs.length; k++) {
      const x = node.inputs[k];
      const gx = inGrads[k];
      if (!gx) continue;
      // A rule recorded outside gradlab may keep what it returns.
      if (node.external === true) exposeTensor(gx instanceof Tensor ? gx : gx.src);
      if (!x.requiresGrad) {
        dead.push(gx instanceof Tensor ? gx : gx.src);
        continue;
      }
      if (gx instanceof Tensor && !sameShape(gx.shape, x.shape)) {
        throw new Error(`backward: rule of '${node.op}' returned a gradient of shape ${shapeStr(gx.shape)} for input ${k} of shape ${shapeStr(x.shape)}`);
      }
      accumulate(x, gx, dead);
    }
    // Only now: a rule may return one tensor for several inputs.
    for (const d of dead) if (free(d)) recycleTemp(d);
  }
}
