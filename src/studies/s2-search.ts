/**
 * s2-search (S2's hyper-parameter search): 100 trials over dropout ∈ [0.1, 0.5] and the L1
 * strength λ ∈ [1e-4, 1e-1] (log scale), each a short training of s2-regularization's MLP on
 * the same 5% of MNIST, minimising the validation loss at the end of the trial. The sampler is
 * TPE (Optuna's default) or, with `--set sampler=grid`, a grid of about √trials values per
 * parameter (dropout evenly spaced, λ evenly spaced in log). Trials report their validation loss
 * every epoch and the median pruner stops the hopeless ones (`--set prune=false` to keep all).
 *
 * The study is one run ('s2-search/tpe' or '/grid'): per-trial values, the optimization history,
 * slice and importance figures and the trials table (src/tune/plots.ts logStudyToRun). The best
 * trial's parameters, validation loss and test accuracy are printed.
 *
 * Params (`gradlab list s2-search`): trials (100), sampler (tpe | grid), trialEpochs (60; also --epochs),
 * prune (true), decay (0: learning-rate decay held fixed during the search), fraction (0.05), l1Norm
 * (mean, as s2-regularization), storage, studyName.
 *
 * Storage: with tracking on, the tune study lives in the run store's SQLite file (tables tune_*,
 * beside the runs), named s2-search-<sampler>-seed<seed>-<trialEpochs>ep and loaded if it exists,
 * so several `gradlab run s2-search` processes on the same store share one study (Optuna's
 * workers); `--set storage=memory` keeps it in memory, a path puts it in another SQLite file.
 *
 * Trial length, measured (grid 4×4, no pruning, seed 1, l1Norm mean): with 20-epoch trials the
 * unregularised net has not begun to over-fit (its validation loss is lowest at epoch 43), so the
 * search picks the weakest regulariser, dropout 0.100 (test 0.776); with 60-epoch trials it picks
 * dropout 0.367 (test 0.853), near the report's 0.47. Hence 60 by default.
 */
import { manualSeed, Generator } from '../tensor/random.js';
import { evaluate } from '../train/evaluate.js';
import { crossEntropy } from '../nn/functional.js';
import { DataLoader } from '../data/index.js';
import type { Callback, EpochLogs, FitContext } from '../train/callbacks.js';
import { createStudy, GridSampler, MedianPruner, NopPruner, TPESampler, TrialPruned, type FrozenTrial, type Trial } from '../tune/index.js';
import { logStudyToRun } from '../tune/plots.js';
import { s2Data, trainS2, type RegConfig } from './s2-regularization.js';
import { redactUrl } from '../track/storage-url.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult } from './study.js';

/** Reports each epoch's validation loss to the trial and stops training when the pruner says so. */
class ReportToTrial implements Callback {
  prunedAt: number | null = null;

  constructor(private readonly trial: Trial) {}

  onEpochEnd(ctx: FitContext, logs: EpochLogs): void {
    this.trial.report(logs.metrics['val/loss'], logs.epoch);
    if (this.trial.shouldPrune()) {
      this.prunedAt = logs.epoch;
      ctx.stopTraining = true;
    }
  }
}

/** n values from lo to hi, evenly spaced (in log when log). */
export function spaced(lo: number, hi: number, n: number, log = false): number[] {
  if (n === 1) return [log ? Math.sqrt(lo * hi) : (lo + hi) / 2];
  return Array.from({ length: n }, (_, i) => {
    const t = i / (n - 1);
    const v = log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
    return Number(v.toPrecision(6));
  });
}

function fmtParams(p: Readonly<Record<string, unknown>>): string {
  return `dropout ${Number(p.dropout).toFixed(3)}, l1 ${Number(p.l1).toExponential(2)}`;
}

export const s2Search: Study = {
  name: 's2-search',
  title: 'S2: TPE (or grid) search over dropout in [0.1, 0.5] and L1 in [1e-4, 1e-1] (log), 100 short trainings on 5% of MNIST',
  defaultEpochs: 60,
  params: [
    { name: 'trials', type: 'int', min: 1, max: 10000, default: 100, help: 'number of trials (the report: 100)' },
    { name: 'sampler', type: 'choice', choices: ['tpe', 'grid'], default: 'tpe', help: 'TPE (Optuna\'s default) or a √trials × √trials grid' },
    { name: 'trialEpochs', type: 'int', min: 1, max: 10000, help: 'epochs per trial (default: --epochs, else 60: long enough for the unregularised net to over-fit, see the notes)' },
    { name: 'storage', type: 'string', help: 'where the tune study lives: store (the run store\'s SQLite, shared by workers; the default when tracking), memory, or a SQLite path' },
    { name: 'studyName', type: 'string', help: 'tune study name (default s2-search-<sampler>-seed<seed>-<trialEpochs>ep); workers that give the same name share its trials' },
    { name: 'prune', type: 'bool', default: true, help: 'median pruner on the per-epoch validation loss' },
    { name: 'decay', type: 'float', min: 0, max: 10, default: 0, help: 'inverse-time learning-rate decay held fixed during the search' },
    { name: 'fraction', type: 'float', min: 0.001, max: 1, default: 0.05, help: 'share of the train and validation splits kept' },
    { name: 'l1Norm', type: 'choice', choices: ['sum', 'mean'], default: 'mean', help: 'L1 term: λ·Σ|θ| (sum) or λ·mean|θ| (mean), as in s2-regularization' },
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const nTrials = P.num('trials');
    const trialEpochs = P.numOpt('trialEpochs') ?? o.epochs ?? this.defaultEpochs;
    const samplerKind = P.str('sampler');
    const prune = P.bool('prune');
    const decay = P.num('decay');
    const fraction = P.num('fraction');
    const l1Norm = P.str('l1Norm') as 'sum' | 'mean';
    const gen = manualSeed(o.seed);
    const data = s2Data(gen.fork(), fraction);
    const modelSeed = gen.nextU32();
    const side = Math.max(1, Math.round(Math.sqrt(nTrials)));
    const grid = { dropout: spaced(0.1, 0.5, side), l1: spaced(1e-4, 1e-1, side, true) };
    const sampler = samplerKind === 'grid' ? new GridSampler(grid, { seed: o.seed }) : new TPESampler({ seed: o.seed });
    const where = P.strOpt('storage') ?? (o.tracking.storePath ? 'store' : 'memory');
    let storage: string | null;
    if (where === 'memory') storage = null;
    else if (where === 'store') {
      if (!o.tracking.storePath) throw new Error('s2-search: --set storage=store needs the run store (drop --no-track, or give a SQLite path)');
      storage = o.tracking.storePath;
    } else storage = where;
    const studyName = P.strOpt('studyName') ?? `s2-search-${samplerKind}-seed${o.seed}-${trialEpochs}ep`;
    o.log(`tune study '${studyName}' in ${storage !== null ? redactUrl(storage) : 'memory (not shared: --set storage=store or a path to share it with workers)'}`);
    const study = createStudy({
      studyName, storage, loadIfExists: storage !== null, direction: 'minimize', sampler,
      pruner: prune ? new MedianPruner({ nStartupTrials: 5, nWarmupSteps: Math.min(10, Math.floor(trialEpochs / 3)) }) : new NopPruner(),
    });
    o.log(`s2-search: ${nTrials} trials, ${samplerKind === 'grid' ? `grid ${side}×${side}` : 'TPE'} sampler${prune ? ', median pruner' : ''}; each trial ${trialEpochs} epochs of ` +
      `784-100-100-100-10 on ${data.train.length}/${data.val.length} digits (Adam 1e-3, batch 300${decay ? `, decay ${decay}` : ''}); objective: final validation loss`);
    const tracker = o.tracking.variant(samplerKind, { sampler: samplerKind, trials: nTrials, trialEpochs, prune, decay, fraction, space: { dropout: [0.1, 0.5], l1: [1e-4, 1e-1] }, objective: 'final validation loss' });
    const testLoader = new DataLoader(data.test, { batchSize: 1000 });
    const t0 = performance.now();
    await study.optimize(async (trial) => {
      const dropout = trial.suggestFloat('dropout', 0.1, 0.5);
      const l1 = trial.suggestFloat('l1', 1e-4, 1e-1, { log: true });
      const config: RegConfig = { dropout, l1, l2: 0, norm: 'none', decay, l1Norm };
      const reporter = new ReportToTrial(trial);
      const r = await trainS2({ config, data, epochs: trialEpochs, gen: new Generator(modelSeed), testEachEpoch: false, keepBest: false, callbacks: [reporter], checkpoint: false });
      if (reporter.prunedAt !== null) throw new TrialPruned(`pruned at epoch ${reporter.prunedAt}`);
      const last = r.history[r.history.length - 1].metrics;
      trial.setUserAttr('valAccuracy', last['val/accuracy']);
      trial.setUserAttr('testAccuracy', (await evaluate(r.model, testLoader, (out, y) => crossEntropy(out, y))).accuracy ?? null);
      return last['val/loss'];
    }, {
      nTrials,
      showProgressBar: false,
      onTrialEnd: (s, t: FrozenTrial) => {
        const best = s.trials.some((x) => x.state === 'complete') ? s.bestValue : NaN;
        const what = t.state === 'complete' ? `val loss ${t.value!.toFixed(4)}` : `${t.state}${t.state === 'pruned' ? ` at epoch ${t.intermediateValues.size}` : ''}`;
        o.log(`  trial ${String(t.number).padStart(3)}: ${fmtParams(t.params)} → ${what}  (best ${best.toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      },
    });
    const trials = study.trials;
    const count = (s: string): number => trials.filter((t) => t.state === s).length;
    const best = study.bestTrial;
    const testAcc = Number(best.userAttrs.testAccuracy);
    o.log(`${trials.length} trials: ${count('complete')} complete, ${count('pruned')} pruned, ${count('fail')} failed`);
    o.log(`best trial ${best.number}: ${fmtParams(best.params)} → validation loss ${best.value!.toFixed(4)}, validation accuracy ${Number(best.userAttrs.valAccuracy).toFixed(3)}, test accuracy ${testAcc.toFixed(3)}`);
    // The five best trials, to see how flat the optimum is.
    const top = trials.filter((t) => t.state === 'complete').sort((a, b) => a.value! - b.value!).slice(0, 5);
    for (const t of top) o.log(`  #${String(t.number).padStart(3)}  ${fmtParams(t.params)}  val loss ${t.value!.toFixed(4)}  test acc ${Number(t.userAttrs.testAccuracy).toFixed(3)}`);
    if (tracker) {
      logStudyToRun(study, tracker.run, 0);
      tracker.run.logScalars({ 'best/val_loss': best.value!, 'best/dropout': Number(best.params.dropout), 'best/l1': Number(best.params.l1), 'best/test_accuracy': testAcc }, 0);
    }
    return {
      study: this.name, seed: o.seed, epochs: trialEpochs, testAccuracy: testAcc, testLoss: NaN,
      history: trials.filter((t) => t.state === 'complete').map((t) => ({ epoch: t.number, value: t.value!, dropout: Number(t.params.dropout), l1: Number(t.params.l1) })),
      sampler: samplerKind, bestParams: { ...best.params }, bestValue: best.value, bestTrial: best.number,
      counts: { complete: count('complete'), pruned: count('pruned'), fail: count('fail') },
    };
  },
};
