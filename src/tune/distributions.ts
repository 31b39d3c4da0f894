/**
 * Search-space distributions, as Optuna has them: a float range (optionally log-scaled or on a
 * step grid), an integer range (step or log), or a list of categorical choices.
 *
 * Why a module of its own: the trial validates what a user asks for here (with errors that name
 * the parameter and the values), the samplers read the same objects, and storage writes them as
 * JSON so that a study resumed from SQLite knows what each parameter's range was.
 *
 * Internal representation (what samplers work on): a number for float and int parameters, the
 * index of the choice for categorical ones.
 */

/** What a parameter may hold: numbers for ranges, JSON scalars for categorical choices. */
export type CategoricalChoice = string | number | boolean | null;
export type ParamValue = CategoricalChoice;

export interface FloatDistribution {
  readonly kind: 'float';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** Grid spacing, or null for a continuous range. */
  readonly step: number | null;
}

export interface IntDistribution {
  readonly kind: 'int';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** Always an integer ≥ 1 (1 when log is true). */
  readonly step: number;
}

export interface CategoricalDistribution {
  readonly kind: 'categorical';
  readonly choices: readonly CategoricalChoice[];
}

export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;
export type NumericDistribution = FloatDistribution | IntDistribution;

export interface RangeOptions {
  /** Sample on a log scale (needs low > 0; not with step). */
  log?: boolean;
  /** Values low, low+step, …, high; (high − low) must be a multiple of step. */
  step?: number;
}

const fmt = (v: unknown): string => (typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v));

/** True when (high − low) / step is a whole number, up to floating-point noise. */
function divides(low: number, high: number, step: number): boolean {
  const r = (high - low) / step;
  return Math.abs(r - Math.round(r)) <= 1e-8 * Math.max(1, Math.abs(r));
}

/** Validated FloatDistribution; `where` names the call in errors, e.g. "suggestFloat('lr')". */
export function floatDistribution(where: string, low: number, high: number, opts: RangeOptions = {}): FloatDistribution {
  const log = opts.log ?? false;
  const step = opts.step ?? null;
  if (typeof low !== 'number' || !Number.isFinite(low)) throw new TypeError(`${where}: low must be a finite number, got ${fmt(low)}`);
  if (typeof high !== 'number' || !Number.isFinite(high)) throw new TypeError(`${where}: high must be a finite number, got ${fmt(high)}`);
  if (low > high) throw new RangeError(`${where}: low ${low} is greater than high ${high}`);
  if (log && step !== null) throw new RangeError(`${where}: step ${step} and log cannot be used together (a log-scaled range has no fixed step)`);
  if (log && low <= 0) throw new RangeError(`${where}: log scale needs low > 0, got low ${low} (high ${high})`);
  if (step !== null) {
    if (typeof step !== 'number' || !(step > 0) || !Number.isFinite(step)) throw new RangeError(`${where}: step must be a positive number, got ${fmt(step)}`);
    if (!divides(low, high, step)) {
      const k = Math.floor((high - low) / step);
      throw new RangeError(`${where}: step ${step} does not divide the range [${low}, ${high}] (length ${high - low}); use high ${Number((low + k * step).toPrecision(12))} or another step`);
    }
  }
  return { kind: 'float', low, high, log, step };
}

export function intDistribution(where: string, low: number, high: number, opts: RangeOptions = {}): IntDistribution {
  const log = opts.log ?? false;
  const step = opts.step ?? 1;
  if (!Number.isInteger(low)) throw new TypeError(`${where}: low must be an integer, got ${fmt(low)}`);
  if (!Number.isInteger(high)) throw new TypeError(`${where}: high must be an integer, got ${fmt(high)}`);
  if (low > high) throw new RangeError(`${where}: low ${low} is greater than high ${high}`);
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`${where}: step must be an integer ≥ 1, got ${fmt(step)}`);
  if (log && step !== 1) throw new RangeError(`${where}: step ${step} and log cannot be used together (log needs step 1)`);
  if (log && low < 1) throw new RangeError(`${where}: log scale needs low ≥ 1, got low ${low} (high ${high})`);
  if ((high - low) % step !== 0) {
    const k = Math.floor((high - low) / step);
    throw new RangeError(`${where}: step ${step} does not divide the range [${low}, ${high}] (length ${high - low}); use high ${low + k * step} or another step`);
  }
  return { kind: 'int', low, high, log, step };
}

export function categoricalDistribution(where: string, choices: readonly CategoricalChoice[]): CategoricalDistribution {
  if (!Array.isArray(choices) || choices.length === 0) throw new RangeError(`${where}: choices must be a non-empty array, got ${fmt(choices)}`);
  choices.forEach((c, i) => {
    const ok = c === null || typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && !Number.isNaN(c));
    if (!ok) throw new TypeError(`${where}: choice ${i} must be a string, number, boolean or null, got ${fmt(c)} (${typeof c})`);
  });
  return { kind: 'categorical', choices: [...choices] };
}

/** Index of a categorical value among the choices, or −1. */
export function choiceIndex(d: CategoricalDistribution, v: unknown): number {
  return d.choices.findIndex((c) => c === v);
}

/** Whether `v` (external representation) is a value the distribution can produce. */
export function contains(d: Distribution, v: unknown): boolean {
  if (d.kind === 'categorical') return choiceIndex(d, v) >= 0;
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (v < d.low || v > d.high) return false;
  if (d.kind === 'int') return Number.isInteger(v) && (v - d.low) % d.step === 0;
  return d.step === null || divides(d.low, v, d.step);
}

/** A distribution that can only produce one value (Optuna skips sampling for those). */
export function singleValue(d: Distribution): ParamValue | undefined {
  if (d.kind === 'categorical') return d.choices.length === 1 ? d.choices[0] : undefined;
  return d.low === d.high ? d.low : undefined;
}

/** Number → internal (index for categorical); throws when the value is not a choice. */
export function toInternal(d: Distribution, v: ParamValue, name: string): number {
  if (d.kind !== 'categorical') {
    if (typeof v !== 'number') throw new TypeError(`parameter '${name}': expected a number, got ${fmt(v)}`);
    return v;
  }
  const i = choiceIndex(d, v);
  if (i < 0) throw new RangeError(`parameter '${name}': ${fmt(v)} is not one of the choices ${fmt(d.choices)}`);
  return i;
}

export function toExternal(d: Distribution, x: number): ParamValue {
  if (d.kind === 'categorical') return d.choices[x]!;
  return x;
}

export function sameDistribution(a: Distribution, b: Distribution): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Short human form: float[0.1, 0.5], float[1e-4, 0.1] log, int[1, 9] step 2, categorical["a","b"]. */
export function describe(d: Distribution): string {
  if (d.kind === 'categorical') return `categorical${JSON.stringify(d.choices)}`;
  const step = d.kind === 'float' ? (d.step !== null ? ` step ${d.step}` : '') : d.step !== 1 ? ` step ${d.step}` : '';
  return `${d.kind}[${d.low}, ${d.high}]${d.log ? ' log' : ''}${step}`;
}

/** Parse a distribution written by JSON.stringify (storage); throws naming the text when malformed. */
export function distributionFromJson(value: unknown, name: string): Distribution {
  const o = value as Partial<Record<string, unknown>> | null;
  if (o && o.kind === 'float') return floatDistribution(`stored parameter '${name}'`, o.low as number, o.high as number, { log: o.log === true, ...(typeof o.step === 'number' ? { step: o.step } : {}) });
  if (o && o.kind === 'int') return intDistribution(`stored parameter '${name}'`, o.low as number, o.high as number, { log: o.log === true, step: o.step as number });
  if (o && o.kind === 'categorical') return categoricalDistribution(`stored parameter '${name}'`, o.choices as CategoricalChoice[]);
  throw new TypeError(`stored parameter '${name}': not a distribution: ${JSON.stringify(value)}`);
}
