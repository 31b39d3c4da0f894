/**
 * GridSampler: walks the full Cartesian product of the given values, each grid point once, as
 * Optuna's GridSampler. Each trial takes a point not yet finished nor running, chosen at random
 * (seeded), so several workers spread over the grid; the study stops once every point has a
 * finished trial. The point a trial took is kept in its system attributes (gridId), so a
 * resumed study or another process knows what was visited.
 *
 * A suggest call for a parameter the grid does not have, or whose grid values fall outside the
 * suggested range or choices, is an error naming the parameter.
 */
import type { Generator } from '../../tensor/random.js';
import { contains, describe, type Distribution, type ParamValue } from '../distributions.js';
import { isFinished, type FinishedState, type FrozenTrial, type JsonValue } from '../types.js';
import { samplerGenerator, type Sampler, type SeedOptions, type StudyView } from './base.js';

export type GridSearchSpace = Record<string, readonly ParamValue[]>;

export class GridSampler implements Sampler {
  readonly generator: Generator;
  /** Workers take grid points only from the queue prepareStudy filled: no point twice. */
  readonly claimsEnqueuedOnly = true;
  private readonly names: string[];
  private readonly values: (readonly ParamValue[])[];
  readonly size: number;
  private readonly spaceKey: string;

  constructor(searchSpace: GridSearchSpace, opts: SeedOptions = {}) {
    this.generator = samplerGenerator(opts);
    this.names = Object.keys(searchSpace).sort();
    if (this.names.length === 0) throw new RangeError('GridSampler: the search space has no parameters');
    this.values = this.names.map((n) => {
      const vs = searchSpace[n]!;
      if (!Array.isArray(vs) || vs.length === 0) throw new RangeError(`GridSampler: parameter '${n}' needs a non-empty array of values, got ${JSON.stringify(vs)}`);
      return [...vs];
    });
    this.size = this.values.reduce((a, v) => a * v.length, 1);
    this.spaceKey = JSON.stringify(this.names.map((n, i) => [n, this.values[i]]));
  }

  /** The grid point with this id (row-major over the parameter names in sorted order). */
  point(id: number): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    let rest = id;
    for (let i = this.names.length - 1; i >= 0; i--) {
      const vs = this.values[i]!;
      out[this.names[i]!] = vs[rest % vs.length]!;
      rest = Math.floor(rest / vs.length);
    }
    return out;
  }

  private gridIdOf(t: FrozenTrial): number | null {
    const id = t.systemAttrs.gridId;
    return typeof id === 'number' && t.systemAttrs.gridSpace === this.spaceKey ? id : null;
  }

  /** Grid ids without a finished trial; those also without a running one when any are left. */
  private unvisited(study: StudyView, exclude?: number): number[] {
    const finished = new Set<number>();
    const running = new Set<number>();
    for (const t of study.getTrials()) {
      const id = this.gridIdOf(t);
      if (id === null || t.trialId === exclude) continue;
      if (isFinished(t.state)) finished.add(id);
      else if (t.state === 'running') running.add(id);
    }
    const open: number[] = [];
    for (let i = 0; i < this.size; i++) if (!finished.has(i)) open.push(i);
    const free = open.filter((i) => !running.has(i));
    return free.length > 0 ? free : open;
  }

  /**
   * Enqueue every grid point once for the whole study (in a seeded random order, so workers
   * spread over the grid), atomically: whichever worker comes first queues them, the others
   * find them queued. Each worker then claims points from the queue in a transaction, so no
   * point is run twice however many workers there are. (The point is named by gridId, not by
   * fixed parameters, so a suggest off the grid is still the grid's error.)
   */
  prepareStudy(study: StudyView): void {
    if (!study.enqueueTrialsOnce) return;
    const left = Array.from({ length: this.size }, (_, i) => i);
    const order: number[] = [];
    while (left.length > 0) order.push(left.splice(this.generator.int(left.length), 1)[0]!);
    study.enqueueTrialsOnce(`grid:${this.spaceKey}`, order.map((id) => ({ params: {}, systemAttrs: { gridSpace: this.spaceKey, gridId: id } })));
  }

  beforeTrial(study: StudyView, trial: FrozenTrial): void {
    if (this.gridIdOf(trial) !== null) return;
    let targets = this.unvisited(study, trial.trialId);
    // Every point is done (more trials than points, or another worker finished them): revisit.
    if (targets.length === 0) targets = Array.from({ length: this.size }, (_, i) => i);
    const id = targets[this.generator.int(targets.length)]!;
    study.setTrialSystemAttr(trial.trialId, 'gridSpace', this.spaceKey as JsonValue);
    study.setTrialSystemAttr(trial.trialId, 'gridId', id);
  }

  sampleIndependent(_study: StudyView, trial: FrozenTrial, name: string, d: Distribution): ParamValue {
    const i = this.names.indexOf(name);
    if (i < 0) throw new RangeError(`GridSampler: parameter '${name}' is not in the grid (grid parameters: ${this.names.join(', ')})`);
    const bad = this.values[i]!.filter((v) => !contains(d, v));
    if (bad.length) throw new RangeError(`GridSampler: grid value${bad.length > 1 ? 's' : ''} ${bad.map((v) => JSON.stringify(v)).join(', ')} of parameter '${name}' ${bad.length > 1 ? 'are' : 'is'} not in the suggested ${describe(d)}`);
    const id = this.gridIdOf(trial);
    if (id === null) throw new Error(`GridSampler: trial ${trial.number} has no grid point (beforeTrial was not called)`);
    return this.point(id)[name]!;
  }

  afterTrial(study: StudyView, trial: FrozenTrial, _state: FinishedState): void {
    const open = this.unvisited(study);
    const mine = this.gridIdOf(trial);
    if (open.length === 0 || (open.length === 1 && open[0] === mine)) study.stop();
  }
}
