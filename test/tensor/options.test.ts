/**
 * One options checker for everything (tensor/options.ts, tensor/option-rules.ts): unknown keys
 * with the nearest name, enumerations, number ranges and integrality, options PyTorch has that
 * gradlab does not implement. And the walk: every module, loss, optimizer and scheduler class the
 * package exports (found from the exports, not from a list) is constructed with one misspelt key
 * and must throw a named error about it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as G from '../../src/index.js';
import { Module } from '../../src/nn/module.js';
import { Optimizer } from '../../src/optim/optimizer.js';
import { LRScheduler, ReduceLROnPlateau } from '../../src/optim/schedulers.js';
import { checkArg, checkOptions, nearestName, num, oneOf } from '../../src/tensor/options.js';
import { arrayOf, either, notImplemented, nullable } from '../../src/tensor/option-rules.js';

test('checkOptions: unknown key with the nearest name, enumerations, ranges, integers', () => {
  const spec = { weightDecay: num({ min: 0 }), reduction: oneOf(['none', 'mean', 'sum']), steps: num({ min: 1, integer: true }), amsgrad: 'boolean' } as const;
  assert.throws(() => checkOptions('Adam', { weight_decay: 0.5 }, spec), /^TypeError: Adam: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)$/);
  assert.throws(() => checkOptions('X', { zzzzzzzz: 1 }, spec), /X: unknown option 'zzzzzzzz' \(valid: weightDecay, reduction, steps, amsgrad\)/);
  assert.throws(() => checkOptions('L', { reduction: 'avg' }, spec), /L: option 'reduction' must be one of 'none', 'mean', 'sum', got 'avg'/);
  assert.throws(() => checkOptions('L', { steps: 2.5 }, spec), /L: option 'steps' must be an integer, got 2.5/);
  assert.throws(() => checkOptions('L', { steps: 0 }, spec), /L: option 'steps' must be ≥ 1, got 0/);
  assert.throws(() => checkOptions('L', { amsgrad: 1 }, spec), /L: option 'amsgrad' must be true or false, got 1/);
  assert.throws(() => checkOptions('L', 3 as never, spec), /L: options must be an object, got 3/);
  assert.deepEqual(checkOptions('L', { steps: undefined }, spec), { steps: undefined });
  assert.equal(nearestName('keepdim', ['keepDim', 'dim']), 'keepDim');
  assert.throws(() => checkArg('Linear', 'inFeatures', 2.5, num({ min: 1, integer: true })), /Linear: inFeatures must be an integer, got 2.5/);
});

test('option rules: not implemented (default accepted), nullable, arrays, either', () => {
  const spec = { inplace: notImplemented(false, 'ops return new tensors'), m: nullable(num({ min: 0 })), b: arrayOf(num(), 2), f: either('function', arrayOf('function')) };
  assert.doesNotThrow(() => checkOptions('ReLU', { inplace: false, m: null, b: [1, 2], f: () => 1 }, spec));
  assert.throws(() => checkOptions('ReLU', { inplace: true }, spec), /ReLU: option 'inplace' is not implemented in gradlab \(ops return new tensors\); got true, only false is accepted/);
  assert.throws(() => checkOptions('X', { m: -1 }, spec), /option 'm' must be ≥ 0, got -1/);
  assert.throws(() => checkOptions('X', { b: [1] }, spec), /option 'b' must have 2 values, got 1/);
  assert.throws(() => checkOptions('X', { f: [1] }, spec), /option 'f' must be a function, got \[1\]/);
});

test('the issue\'s silent cases are named errors now', () => {
  const p = new G.nn.Linear(2, 3).parameters();
  assert.throws(() => new G.optim.Adam(p, { weight_decay: 0.5 } as never), /Adam: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)/);
  assert.throws(() => new G.optim.SGD([{ params: p, lr_: 0.1 } as never]), /SGD \(parameter group 0\): unknown option 'lr_' \(did you mean 'lr'\?\)/);
  assert.throws(() => G.sum(G.tensor([1, 2]), 0, { keepdim: true } as never), /sum: unknown option 'keepdim' \(did you mean 'keepDim'\?\)/);
  assert.throws(() => G.tensor([1, 2]).mean(0, { keepdim: true } as never), /unknown option 'keepdim'/);
  assert.throws(() => G.variance(G.tensor([1, 2]), 0, { unbiased: false } as never), /var: option 'unbiased' is PyTorch's old name; use correction: 0/);
  assert.throws(() => new G.nn.CrossEntropyLoss({ reduction: 'avg' as never }), /CrossEntropyLoss: option 'reduction' must be one of 'none', 'mean', 'sum', got 'avg'/);
  assert.throws(() => new G.nn.KLDivLoss({ reduction: 'batchMean' as never }), /KLDivLoss: option 'reduction' must be one of 'none', 'mean', 'sum', 'batchmean', got 'batchMean'/);
  assert.throws(() => new G.nn.MSELoss('avg' as never), /MSELoss: reduction must be one of 'none', 'mean', 'sum', got 'avg'/);
  assert.throws(() => G.nn.F.mseLoss(G.tensor([1]), G.tensor([1]), 'avg' as never), /mseLoss: reduction must be one of/);
  assert.throws(() => new G.nn.Linear(2.5, 3), /Linear: inFeatures must be an integer, got 2.5/);
  assert.throws(() => new G.nn.Embedding(10, 4, { sparse: true } as never), /Embedding: option 'sparse' is not implemented in gradlab/);
  assert.throws(() => new G.nn.MultiheadAttention(4, 2).attend(G.zeros([1, 1, 4]), undefined, undefined, { isCausal: true } as never), /MultiheadAttention.attend: option 'isCausal' is not implemented/);
  assert.throws(() => new G.nn.LSTM(2, 3).run(G.zeros([1, 1, 2]), { hx: null } as never), /LSTM.run: unknown option 'hx'/);
  assert.throws(() => new G.nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' } as never), /Conv2d: option 'paddingMode' must be one of 'zeros', 'reflect', 'replicate', 'circular', got 'mirror'/);
  assert.throws(() => new G.nn.TransformerEncoderLayer(4, 2, { activation: 'swish' as never }), /TransformerEncoderLayer: option 'activation' must be 'relu', 'gelu' or a function, got "swish"/);
  assert.throws(() => new G.data.DataLoader(new G.data.TensorDataset(G.zeros([4, 2])), { numWorkers: 4 } as never), /DataLoader: option 'numWorkers' is not implemented in gradlab/);
  assert.throws(() => new G.data.DataLoader(new G.data.TensorDataset(G.zeros([4, 2])), { batch_size: 4 } as never), /DataLoader: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/);
  assert.throws(() => G.zeros([2], { dtype: 'float16' as never }), /zeros: option 'dtype' must be one of 'float32', 'float64', 'int32', got 'float16'|full: option 'dtype'/);
});

type Ctor = new (...args: unknown[]) => unknown;

function isClassUnder(v: unknown, base: abstract new (...a: never[]) => unknown): v is Ctor {
  return typeof v === 'function' && v.prototype instanceof base;
}

/** What a constructor's leading positional arguments are tried with (shortest first). */
function candidates(kind: 'module' | 'optimizer' | 'scheduler', extras: unknown[]): unknown[][] {
  const sgd = (): G.optim.SGD => new G.optim.SGD([new G.nn.Parameter(G.zeros([2]))], { lr: 0.1, momentum: 0.9 });
  if (kind === 'optimizer') return [[[new G.nn.Parameter(G.zeros([2]))]]];
  if (kind === 'scheduler') {
    const lists: unknown[][] = [];
    const pool: (() => unknown)[] = [() => 4, () => 0.5, () => (t: number) => 1 / (1 + t), () => [2]];
    const opt = sgd();
    lists.push([opt], [[new G.optim.ExponentialLR(opt, 0.9)]]);
    for (const a of pool) lists.push([opt, a()]);
    for (const a of pool) for (const b of pool) lists.push([opt, a(), b()]);
    lists.push([opt, [new G.optim.ExponentialLR(opt, 0.9)], []]);
    for (const a of pool) for (const b of pool) for (const c of pool) lists.push([opt, a(), b(), c()]);
    return lists;
  }
  const pool: unknown[] = [4, 2, [2, 2], ...extras];
  const lists: unknown[][] = [[]];
  for (let len = 1; len <= 3; len++) {
    const prev = lists.filter((l) => l.length === len - 1);
    for (const l of prev) for (const v of pool) lists.push([...l, v]);
  }
  return lists;
}

test('every exported module, loss, optimizer and scheduler rejects a misspelt option key with a named error', () => {
  const bad = 'batch_first';
  const nn = G.nn as unknown as Record<string, unknown>;
  const optim = G.optim as unknown as Record<string, unknown>;
  const layerExtras: unknown[] = [];
  for (const name of ['TransformerEncoderLayer', 'TransformerDecoderLayer']) {
    const C = nn[name] as Ctor | undefined;
    if (C) layerExtras.push(new C(4, 2, { dimFeedforward: 8 }));
  }
  const found: { name: string; C: Ctor; kind: 'module' | 'optimizer' | 'scheduler' }[] = [];
  for (const [name, v] of Object.entries(nn)) if (isClassUnder(v, Module)) found.push({ name, C: v, kind: 'module' });
  for (const [name, v] of Object.entries(optim)) {
    if (isClassUnder(v, Optimizer)) found.push({ name, C: v, kind: 'optimizer' });
    else if (isClassUnder(v, LRScheduler) || v === ReduceLROnPlateau) found.push({ name, C: v as Ctor, kind: 'scheduler' });
  }
  assert.ok(found.length >= 60, `expected the package to export at least 60 such classes, found ${found.length}`);
  const failures: string[] = [];
  const counts = { module: 0, optimizer: 0, scheduler: 0 };
  for (const { name, C, kind } of found) {
    let ok = false;
    let last = '';
    for (const args of candidates(kind, layerExtras)) {
      try {
        new C(...args, { [bad]: true });
        last = `accepted (${args.length} leading argument(s))`;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        last = msg;
        const named = msg.includes(`unknown option '${bad}'`) || /takes no options/.test(msg);
        if (named && msg.startsWith(name)) { ok = true; break; }
      }
    }
    counts[kind]++;
    if (!ok) failures.push(`${name}: no named error for option '${bad}' (last outcome: ${last})`);
  }
  console.log(`misspelt-key walk: ${counts.module} modules and losses, ${counts.optimizer} optimizers, ${counts.scheduler} schedulers`);
  assert.deepEqual(failures, []);
});
