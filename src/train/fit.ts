/**
 * The fit loop: for each epoch, train on every batch (zeroGrad, forward, loss, backward, step),
 * then evaluate on the validation (and test) loaders, log one line and the metrics, and keep
 * the best model by validation accuracy (or validation loss for regression). At the end the
 * best weights are restored and scored on the test loader.
 */
import type { Module, StateDict } from '../nn/module.js';
import { cloneStateDict } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { add } from '../autograd/ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Callback, EpochLogs, FitContext } from './callbacks.js';
import { Batches, EvalResult, LossFn, correctCountAsync, evaluate } from './evaluate.js';
import { checkOptions, num } from '../tensor/options.js';
import { YieldPacer, throwIfStopRequested } from './interrupt.js';

/** How many times the first batch's loss a batch loss may reach before fit flags divergence. */
const DIVERGENCE_FACTOR = 1e3;

/** Thrown when the training loss becomes NaN or ±Infinity (after the weights are restored). */
export class NonFiniteLossError extends Error {
  constructor(message: string, readonly epoch: number, readonly step: number, readonly loss: number) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}
import { activeCheckpointer, isStateful, reachableGenerators, type FitCheckpointer, type FitSnapshot } from './resume.js';

export interface FitOptions {
  model: Module;
  optimizer: Optimizer;
  lossFn: LossFn;
  /** Batches [input, target]: a DataLoader, an array, or a streaming (async) loader. */
  train: Batches & { length?: number };
  val?: Batches;
  test?: Batches;
  epochs: number;
  callbacks?: Callback[];
  /** Extra term added to the training loss (L1 / L2 penalties), computed from the model. */
  regularizer?: (model: Module) => Tensor;
  /** Restore the weights of the best validation epoch at the end (default true when val is given). */
  keepBest?: boolean;
  /** Receives one summary line per epoch (default: none). */
  log?: (line: string) => void;
  /** Evaluate the test set every epoch too (S2 logs train/val/test curves). */
  testEachEpoch?: boolean;
  /**
   * First epoch to train (1-based, default 1), for a caller that restored the state itself.
   * With a checkpointer holding a snapshot, training continues after the snapshot's epoch.
   */
  startEpoch?: number;
  /**
   * Resume checkpoints: a snapshot at every epoch end and when done (train/resume.ts). Default:
   * the checkpointer installed by withCheckpointer (the CLI's, one per study run), if any;
   * false: none for this fit.
   */
  checkpoint?: FitCheckpointer | false;
}

export interface FitResult {
  history: EpochLogs[];
  bestEpoch: number | null;
  best: StateDict | null;
  test: EvalResult | null;
  /** Set when a batch loss grew to DIVERGENCE_FACTOR (1000) times the first batch's loss or more. */
  diverged: { epoch: number; step: number; loss: number; firstLoss: number } | null;
}

function fmt(m: Record<string, number>): string {
  return Object.entries(m)
    .filter(([k]) => k !== 'lr')
    .map(([k, v]) => `${k} ${k.endsWith('accuracy') ? v.toFixed(4) : v.toPrecision(4)}`)
    .join('  ');
}

export async function fit(o: FitOptions): Promise<FitResult> {
  checkOptions('fit', o, { model: 'any', optimizer: 'any', lossFn: 'function', train: 'any', val: 'any', test: 'any', epochs: num({ min: 0, integer: true }), callbacks: 'any', regularizer: 'function', keepBest: 'boolean', log: 'function', testEachEpoch: 'boolean', startEpoch: 'any', checkpoint: 'any' }); // startEpoch is checked below with its own message
  const { model, optimizer, lossFn } = o;
  if (!(Number.isInteger(o.epochs) && o.epochs >= 0)) throw new RangeError(`fit: epochs must be an integer ≥ 0, got ${o.epochs}`);
  const cbs = o.callbacks ?? [];
  const ctx: FitContext = {
    model, optimizer, epoch: 0, epochs: o.epochs, step: 0,
    batchesPerEpoch: typeof o.train.length === 'number' ? o.train.length : null, stopTraining: false,
  };
  const history: EpochLogs[] = [];
  const keepBest = o.keepBest ?? o.val !== undefined;
  let best: StateDict | null = null;
  let bestEpoch: number | null = null;
  let bestScore = -Infinity;
  // The weights of the last good epoch end (the initial ones at first): what a non-finite loss
  // restores when there is no best model yet.
  let lastGood: { state: StateDict; epoch: number } = { state: cloneStateDict(model.stateDict()), epoch: 0 };
  let firstLoss: number | null = null;
  let diverged: FitResult['diverged'] = null;
  const warn = o.log ?? ((line: string) => console.warn(line));
  // fit gives the event loop a turn now and then, so a signal handler (Ctrl-C) or a page's Stop
  // button can run, and stops at the next step once a stop was requested.
  const pacer = new YieldPacer();
  // ---- resume: restore the snapshot this fit left (if any), then continue after its epoch ----
  const ck = o.checkpoint === false ? null : (o.checkpoint ?? activeCheckpointer());
  const gens = ck ? reachableGenerators(model, o.train) : [];
  const opened = ck ? ck.open({ epochs: o.epochs, parameters: model.countParameters() }) : null;
  const snap = opened?.snapshot ?? null;
  let startEpoch = o.startEpoch ?? 1;
  if (!(Number.isInteger(startEpoch) && startEpoch >= 1)) throw new RangeError(`fit: startEpoch must be an integer ≥ 1, got ${o.startEpoch}`);
  if (snap) {
    if (snap.epochs !== o.epochs || snap.parameters !== model.countParameters() || snap.generators.length !== gens.length || snap.callbacks.length !== cbs.length) {
      throw new Error(`fit: checkpoint '${opened!.key}' does not match this fit (epochs ${snap.epochs} vs ${o.epochs}, parameters ${snap.parameters} vs ${model.countParameters()}, generators ${snap.generators.length} vs ${gens.length}, callbacks ${snap.callbacks.length} vs ${cbs.length})`);
    }
    model.loadStateDict(snap.model);
    optimizer.loadStateDict(snap.optimizer);
    snap.generators.forEach((g, i) => gens[i].setState(g));
    if (snap.loader != null && isStateful(o.train)) o.train.loadStateDict(snap.loader as never);
    snap.callbacks.forEach((s, i) => { if (s != null && isStateful(cbs[i])) (cbs[i] as unknown as { loadStateDict(s: unknown): void }).loadStateDict(s); });
    history.push(...snap.history);
    best = snap.best;
    bestEpoch = snap.bestEpoch;
    bestScore = snap.bestScore;
    ctx.step = snap.step;
    ctx.stopTraining = snap.stopTraining;
    startEpoch = snap.epoch + 1;
    lastGood = { state: cloneStateDict(model.stateDict()), epoch: snap.epoch };
    o.log?.(`resumed from checkpoint '${opened!.key}' after epoch ${snap.epoch}${snap.done ? ' (finished)' : ''}`);
  } else {
    for (const cb of cbs) await cb.onTrainBegin?.(ctx);
  }
  const snapshot = (epoch: number, done: boolean, test: EvalResult | null): FitSnapshot => ({
    epoch, epochs: o.epochs, step: ctx.step, done, stopTraining: ctx.stopTraining, history, bestEpoch, bestScore,
    model: model.stateDict(), best, optimizer: optimizer.stateDict(),
    loader: isStateful(o.train) ? o.train.stateDict() : null,
    generators: gens.map((g) => g.getState()),
    callbacks: cbs.map((cb) => (isStateful(cb) ? cb.stateDict() : null)),
    test, parameters: model.countParameters(),
  });
  const finished = snap?.done ?? false;
  for (let epoch = startEpoch; !finished && epoch <= o.epochs && !ctx.stopTraining; epoch++) {
    throwIfStopRequested(`fit (before epoch ${epoch})`);
    ctx.epoch = epoch;
    const t0 = performance.now();
    for (const cb of cbs) await cb.onEpochBegin?.(ctx);
    model.train();
    let lossSum = 0;
    let count = 0;
    let correct = 0;
    let classification = true;
    for await (const [x, y] of o.train) {
      optimizer.zeroGrad();
      const out = model.forward(x);
      const dataLoss = lossFn(out, y);
      const loss = o.regularizer ? add(dataLoss, o.regularizer(model)) : dataLoss;
      await dataLoss.read();
      const lv = dataLoss.item();
      if (!Number.isFinite(lv)) {
        // Do not step on a non-finite loss; put back weights that gave finite losses.
        const from = keepBest && best ? { state: best, what: `the best epoch's (${bestEpoch})` } : { state: lastGood.state, what: lastGood.epoch === 0 ? 'the initial' : `epoch ${lastGood.epoch}'s` };
        model.loadStateDict(from.state);
        throw new NonFiniteLossError(
          `fit: the training loss became ${lv} at epoch ${epoch}, step ${ctx.step + 1} (try a smaller learning rate); the model holds ${from.what} weights again`,
          epoch, ctx.step + 1, lv,
        );
      }
      loss.backward();
      optimizer.step();
      const n = x.shape[0];
      if (firstLoss === null) firstLoss = lv;
      else if (diverged === null && Math.abs(lv) >= DIVERGENCE_FACTOR * Math.max(Math.abs(firstLoss), Number.MIN_VALUE)) {
        diverged = { epoch, step: ctx.step + 1, loss: lv, firstLoss };
        warn(`fit: warning: the training loss is diverging: ${lv.toPrecision(3)} at epoch ${epoch}, step ${ctx.step + 1}, ${(lv / firstLoss).toPrecision(2)}× the first batch's ${firstLoss.toPrecision(3)} (try a smaller learning rate)`);
      }
      lossSum += lv * n;
      count += n;
      const c = await correctCountAsync(out, y);
      if (c === null) classification = false;
      else correct += c;
      ctx.step++;
      for (const cb of cbs) await cb.onBatchEnd?.(ctx, { step: ctx.step, loss: lv, size: n });
      await pacer.maybeYield();
      throwIfStopRequested(`fit (epoch ${epoch}, step ${ctx.step})`);
    }
    const metrics: Record<string, number> = { 'train/loss': lossSum / Math.max(count, 1) };
    if (classification && count) metrics['train/accuracy'] = correct / count;
    let score = -metrics['train/loss'];
    if (o.val) {
      const v = await evaluate(model, o.val, lossFn);
      metrics['val/loss'] = v.loss;
      if (v.accuracy !== undefined) metrics['val/accuracy'] = v.accuracy;
      score = v.accuracy ?? -v.loss;
    }
    if (o.test && o.testEachEpoch) {
      const t = await evaluate(model, o.test, lossFn);
      metrics['test/loss'] = t.loss;
      if (t.accuracy !== undefined) metrics['test/accuracy'] = t.accuracy;
    }
    metrics.lr = optimizer.lrs[0];
    if (keepBest && o.val && score > bestScore) {
      bestScore = score;
      bestEpoch = epoch;
      best = cloneStateDict(model.stateDict());
    }
    if (Object.values(metrics).every(Number.isFinite)) lastGood = { state: cloneStateDict(model.stateDict()), epoch };
    const logs: EpochLogs = { epoch, metrics, seconds: (performance.now() - t0) / 1000 };
    history.push(logs);
    for (const cb of cbs) await cb.onEpochEnd?.(ctx, logs);
    o.log?.(`epoch ${epoch}/${o.epochs}  ${fmt(metrics)}  (${logs.seconds.toFixed(1)} s)`);
    if (ck) ck.save(opened!.key, snapshot(epoch, false, null), cbs);
  }
  let test: EvalResult | null;
  if (finished) test = snap!.test;
  else {
    if (keepBest && best) model.loadStateDict(best);
    test = o.test ? await evaluate(model, o.test, lossFn) : null;
    if (ck) ck.save(opened!.key, snapshot(history.length ? history[history.length - 1].epoch : 0, true, test), cbs);
  }
  if (test) {
    const final: Record<string, number> = { 'test/loss': test.loss };
    if (test.accuracy !== undefined) final['test/accuracy'] = test.accuracy;
    if (bestEpoch !== null) final.bestEpoch = bestEpoch;
    for (const cb of cbs) await cb.onTestEnd?.(ctx, final);
  }
  for (const cb of cbs) await cb.onTrainEnd?.(ctx, history);
  return { history, bestEpoch, best, test, diverged };
}
