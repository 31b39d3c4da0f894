/**
 * Search spaces written on the command line, one parameter per `--space`:
 *
 *   lr=loguniform(1e-4,1e-1)    float, log scale          dropout=uniform(0.1,0.5)  float
 *   hidden=int(16,256)          integer                   width=logint(8,512)       integer, log scale
 *   act=choice(relu,tanh)       one of the values (numbers, true/false and words are kept as such)
 *
 * A grid search needs every parameter as choice(...) (its grid values). Errors name the text.
 */
import { GridSampler, type GridSearchSpace } from './samplers/grid.js';
import type { Trial } from './trial.js';
import type { CategoricalChoice, ParamValue } from './distributions.js';

export type SpaceParam =
  | { readonly name: string; readonly kind: 'float' | 'int'; readonly low: number; readonly high: number; readonly log: boolean; readonly text: string }
  | { readonly name: string; readonly kind: 'categorical'; readonly choices: readonly CategoricalChoice[]; readonly text: string };

export class SpaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpaceError';
  }
}

const FORMS = 'uniform(low,high), loguniform(low,high), int(low,high), logint(low,high) or choice(a,b,...)';

function word(s: string): CategoricalChoice {
  if (s === 'true') return true;
  if (s === 'false') return false;
  const n = Number(s);
  return s !== '' && Number.isFinite(n) ? n : s;
}

/** Parse one `name=form(args)` text. */
export function parseSpaceParam(text: string): SpaceParam {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*([a-z]+)\s*\((.*)\)\s*$/.exec(text);
  if (!m) throw new SpaceError(`--space ${JSON.stringify(text)}: expected name=form(args) with form one of ${FORMS}`);
  const [, name, form, inner] = m as unknown as [string, string, string, string];
  const args = inner.split(',').map((a) => a.trim());
  if (form === 'choice') {
    if (args.length === 0 || args.some((a) => a === '')) throw new SpaceError(`--space ${JSON.stringify(text)}: choice() needs one or more non-empty values`);
    const choices = args.map(word);
    if (new Set(choices.map((c) => JSON.stringify(c))).size !== choices.length) throw new SpaceError(`--space ${JSON.stringify(text)}: choice() lists a value twice`);
    return { name, kind: 'categorical', choices, text };
  }
  const kinds: Record<string, { kind: 'float' | 'int'; log: boolean }> = {
    uniform: { kind: 'float', log: false },
    loguniform: { kind: 'float', log: true },
    int: { kind: 'int', log: false },
    logint: { kind: 'int', log: true },
  };
  const k = kinds[form];
  if (!k) throw new SpaceError(`--space ${JSON.stringify(text)}: unknown form '${form}'; use ${FORMS}`);
  if (args.length !== 2) throw new SpaceError(`--space ${JSON.stringify(text)}: ${form}() takes two numbers (low, high), got ${args.length}`);
  const [low, high] = args.map(Number) as [number, number];
  if (!Number.isFinite(low) || !Number.isFinite(high)) throw new SpaceError(`--space ${JSON.stringify(text)}: low and high must be numbers, got ${JSON.stringify(args)}`);
  if (!(low < high)) throw new SpaceError(`--space ${JSON.stringify(text)}: low must be below high, got ${low} and ${high}`);
  if (k.log && low <= 0) throw new SpaceError(`--space ${JSON.stringify(text)}: a log scale needs low > 0, got ${low}`);
  if (k.kind === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) throw new SpaceError(`--space ${JSON.stringify(text)}: int bounds must be integers, got ${low} and ${high}`);
  return { name, kind: k.kind, low, high, log: k.log, text };
}

/** Parse every --space; a parameter named twice is an error. */
export function parseSpace(texts: readonly string[]): SpaceParam[] {
  const out = texts.map(parseSpaceParam);
  const seen = new Set<string>();
  for (const p of out) {
    if (seen.has(p.name)) throw new SpaceError(`--space: parameter '${p.name}' is given twice`);
    seen.add(p.name);
  }
  return out;
}

/** Ask the trial for one value per parameter of the space. */
export function suggestSpace(trial: Trial, space: readonly SpaceParam[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const p of space) {
    if (p.kind === 'categorical') out[p.name] = trial.suggestCategorical(p.name, p.choices);
    else if (p.kind === 'float') out[p.name] = trial.suggestFloat(p.name, p.low, p.high, { log: p.log });
    else out[p.name] = trial.suggestInt(p.name, p.low, p.high, { log: p.log });
  }
  return out;
}

/** The grid of a space whose parameters are all choice(...). */
export function gridOfSpace(space: readonly SpaceParam[]): GridSearchSpace {
  const grid: GridSearchSpace = {};
  for (const p of space) {
    if (p.kind !== 'categorical') throw new SpaceError(`--sampler grid: parameter '${p.name}' is ${p.text.slice(p.text.indexOf('=') + 1)}; a grid needs its values, e.g. ${p.name}=choice(${p.kind === 'int' ? `${p.low},${p.high}` : `${p.low},${(p.low + p.high) / 2},${p.high}`})`);
    grid[p.name] = p.choices;
  }
  if (space.length === 0) throw new SpaceError('--sampler grid: the search space is empty (give --space name=choice(...))');
  return grid;
}

/** The number of points of a grid space. */
export function gridSize(space: readonly SpaceParam[]): number {
  return new GridSampler(gridOfSpace(space)).size;
}
