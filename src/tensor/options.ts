/**
 * One checker for every options object gradlab takes (modules, losses, optimizers, schedulers,
 * loaders, tensor methods): an unknown key is a named error with the nearest valid name, an
 * enumerated value must be one of its choices, a number must be finite, in range and (where
 * asked) an integer. Nothing is accepted and ignored.
 *
 *   checkOptions('Adam', opts, {
 *     lr: num({ min: 0 }), betas: 'any', weightDecay: num({ min: 0 }), amsgrad: 'boolean',
 *     reduction: oneOf(['none', 'mean', 'sum']),
 *   });
 *   // Adam: unknown option 'weight_decay' (did you mean 'weightDecay'?)
 */

/** How one option's value is checked. 'any' checks only that the key is known. */
export type OptionRule =
  | 'any'
  | 'boolean'
  | 'string'
  | 'function'
  | NumberRule
  | ChoiceRule
  | ((value: unknown) => string | null);

export interface NumberRule {
  kind: 'number';
  /** Inclusive bounds unless the exclusive flags say otherwise. */
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
}

export interface ChoiceRule {
  kind: 'choice';
  choices: readonly (string | number | boolean | null)[];
}

export type OptionSpec = Readonly<Record<string, OptionRule>>;

/** A number rule: `num({ min: 0, integer: true })`. */
export function num(r: Omit<NumberRule, 'kind'> = {}): NumberRule {
  return { kind: 'number', ...r };
}

/** An enumerated rule: `oneOf(['mean', 'sum', 'none'])`. */
export function oneOf(choices: readonly (string | number | boolean | null)[]): ChoiceRule {
  return { kind: 'choice', choices };
}

/** Levenshtein distance (small strings only: option names). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}

/** The valid name nearest to `name` (case, '_' and '-' ignored first), or null when none is close. */
export function nearestName(name: string, valid: Iterable<string>): string | null {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  let best: string | null = null;
  let bestD = Infinity;
  for (const v of valid) {
    if (norm(v) === norm(name)) return v;
    const d = editDistance(name.toLowerCase(), v.toLowerCase());
    if (d < bestD) { bestD = d; best = v; }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

/** `unknown option 'x' (did you mean 'y'?)` or `(valid: a, b, c)` when nothing is near. */
export function unknownNameMessage(what: string, name: string, valid: readonly string[]): string {
  const near = nearestName(name, valid);
  return near !== null
    ? `unknown ${what} '${name}' (did you mean '${near}'?)`
    : `unknown ${what} '${name}' (valid: ${valid.length ? valid.join(', ') : 'none'})`;
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'function') return 'a function';
  try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
}

/** Checks one value against its rule; returns the problem or null. */
export function checkValue(value: unknown, rule: OptionRule): string | null {
  if (rule === 'any') return null;
  if (rule === 'boolean') return typeof value === 'boolean' ? null : `must be true or false, got ${show(value)}`;
  if (rule === 'string') return typeof value === 'string' ? null : `must be a string, got ${show(value)}`;
  if (rule === 'function') return typeof value === 'function' ? null : `must be a function, got ${show(value)}`;
  if (typeof rule === 'function') return rule(value);
  if (rule.kind === 'choice') {
    return rule.choices.includes(value as string) ? null : `must be one of ${rule.choices.map(show).join(', ')}, got ${show(value)}`;
  }
  return checkNumber(value, rule);
}

function checkNumber(value: unknown, r: NumberRule): string | null {
  if (typeof value !== 'number' || Number.isNaN(value)) return `must be a number, got ${show(value)}`;
  if (r.integer && !Number.isInteger(value)) return `must be an integer, got ${value}`;
  if (!Number.isFinite(value) && (r.min !== undefined || r.max !== undefined || r.integer)) return `must be finite, got ${value}`;
  if (r.min !== undefined && (r.minExclusive ? value <= r.min : value < r.min)) return `must be ${r.minExclusive ? '>' : '≥'} ${r.min}, got ${value}`;
  if (r.max !== undefined && (r.maxExclusive ? value >= r.max : value > r.max)) return `must be ${r.maxExclusive ? '<' : '≤'} ${r.max}, got ${value}`;
  return null;
}

/**
 * Checks an options object against its spec and returns it (typed as given). `undefined` values
 * are allowed for every key (they mean "the default"). Throws `Owner: unknown option ...` or
 * `Owner: option 'key' must be ...`.
 */
export function checkOptions<T extends object>(owner: string, options: T | undefined | null, spec: OptionSpec): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${owner}: options must be an object, got ${show(options)}`);
  }
  const valid = Object.keys(spec);
  for (const [key, value] of Object.entries(options)) {
    if (!Object.prototype.hasOwnProperty.call(spec, key)) {
      throw new TypeError(`${owner}: ${unknownNameMessage('option', key, valid)}`);
    }
    if (value === undefined) continue;
    const problem = checkValue(value, spec[key]);
    if (problem !== null) throw new RangeError(`${owner}: option '${key}' ${problem}`);
  }
  return options;
}

/** Checks a positional argument: `checkArg('Linear', 'inFeatures', 2.5, num({ min: 0, integer: true }))`. */
export function checkArg(owner: string, name: string, value: unknown, rule: OptionRule): void {
  const problem = checkValue(value, rule);
  if (problem !== null) throw new RangeError(`${owner}: ${name} ${problem}`);
}
