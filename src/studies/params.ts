/**
 * `--set key=value` checked against a study's declared parameters: an unknown key, a value of the
 * wrong type or out of range is a named error (StudyParamError, exit code 2 in the CLI) that lists
 * the valid ones. The CLI parses the strings once (parseStudyParams) and hands the study typed
 * values; a study reads them through StudyParams (declared default when not set). Programmatic
 * callers may still pass strings: StudyParams parses and checks them with the same rules.
 */
import { nearestName, unknownNameMessage } from '../tensor/options.js';
import type { ParamSpec, Study } from './study.js';

export type ParamValue = string | number | boolean;

export class StudyParamError extends Error {
  override name = 'StudyParamError';
}

function listWords(p: ParamSpec): string {
  if (!p.list) return '';
  return p.list === 'int' ? ' list of integers' : p.list === 'float' ? ' list of numbers' : ` list of ${p.list.join('|')} (or all)`;
}

/** `name (type, range/choices, default): help`, one line. */
export function describeParam(p: ParamSpec): string {
  const range = p.choices ? p.choices.join('|')
    : p.min !== undefined || p.max !== undefined ? `${p.min ?? '-∞'}…${p.max ?? '∞'}` : '';
  const dflt = p.default !== undefined ? `, default ${p.default}` : '';
  return `${p.name} (${p.type}${listWords(p)}${range ? ' ' + range : ''}${dflt}): ${p.help}`;
}

function checkNumber(p: ParamSpec, v: number, bad: (why: string) => StudyParamError, integer: boolean): number {
  if (!Number.isFinite(v)) throw bad('not a number');
  if (integer && !Number.isInteger(v)) throw bad('not an integer');
  if (p.min !== undefined && v < p.min) throw bad(`below the minimum ${p.min}`);
  if (p.max !== undefined && v > p.max) throw bad(`above the maximum ${p.max}`);
  return v;
}

/** Parses one raw string as the declared type, or throws StudyParamError naming the study and key. */
export function parseParam(study: string, p: ParamSpec, raw: string): ParamValue {
  const bad = (why: string) => new StudyParamError(`${study}: --set ${p.name}=${raw}: ${why} (${describeParam(p)})`);
  if (p.list) {
    // A comma-separated list, kept as its string; every item is checked here.
    const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (items.length === 0) throw bad('empty list');
    if (p.list === 'int' || p.list === 'float') {
      for (const it of items) checkNumber(p, it === '' ? NaN : Number(it), (why) => bad(`item '${it}' ${why}`), p.list === 'int');
    } else if (!(items.length === 1 && items[0] === 'all')) {
      for (const it of items) if (!p.list.includes(it)) throw bad(`unknown item '${it}', not one of ${p.list.join(', ')} or all`);
    }
    return items.join(',');
  }
  switch (p.type) {
    case 'int':
    case 'float': {
      const v = raw.trim() === '' ? NaN : Number(raw);
      return checkNumber(p, v, bad, p.type === 'int');
    }
    case 'bool':
      if (['true', '1', 'yes', 'on'].includes(raw)) return true;
      if (['false', '0', 'no', 'off'].includes(raw)) return false;
      throw bad('not a boolean (true/false)');
    case 'choice':
      if (!p.choices?.includes(raw)) throw bad(`not one of ${(p.choices ?? []).join(', ')}`);
      return raw;
    case 'string':
    case 'path':
      if (raw === '') throw bad('empty');
      return raw;
  }
}

/** Checks an already-typed value (from tune, or a program) against the declaration. */
export function checkParamValue(study: string, p: ParamSpec, v: ParamValue): ParamValue {
  if (typeof v === 'string') return parseParam(study, p, v);
  const bad = (why: string) => new StudyParamError(`${study}: ${p.name}=${String(v)}: ${why} (${describeParam(p)})`);
  if (p.list) return parseParam(study, p, String(v));
  if (typeof v === 'number') {
    if (p.type !== 'int' && p.type !== 'float') throw bad(`a number where a ${p.type} is expected`);
    return checkNumber(p, v, bad, p.type === 'int');
  }
  if (p.type !== 'bool') throw bad(`a boolean where a ${p.type} is expected`);
  return v;
}

function unknownParam(study: Study, key: string): StudyParamError {
  const valid = (study.params ?? []).map((s) => s.name);
  if (!valid.length) return new StudyParamError(`${study.name}: unknown parameter '${key}': this study has no parameters`);
  const msg = unknownNameMessage('parameter', key, valid);
  // The nearest-name form does not list the others: add them.
  return new StudyParamError(`${study.name}: ${msg}${nearestName(key, valid) !== null ? `; valid: ${valid.join(', ')}` : ''}`);
}

/** Checks every raw --set value against the study's declaration; returns the typed values. */
export function parseStudyParams(study: Study, raw: Record<string, string>): Record<string, ParamValue> {
  const byName = new Map((study.params ?? []).map((p) => [p.name, p]));
  const out: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(raw)) {
    const p = byName.get(key);
    if (!p) throw unknownParam(study, key);
    out[key] = parseParam(study.name, p, value);
  }
  return out;
}

/**
 * A study's view of its parameters: every given value checked against the declaration (strings
 * parsed, typed values range-checked), unset ones read as the declared default.
 */
export class StudyParams {
  readonly values: Readonly<Record<string, ParamValue>>;
  private readonly specs: Map<string, ParamSpec>;

  constructor(readonly study: Study, given: Readonly<Record<string, ParamValue>> = {}) {
    this.specs = new Map((study.params ?? []).map((p) => [p.name, p]));
    const out: Record<string, ParamValue> = {};
    for (const [key, value] of Object.entries(given)) {
      const p = this.specs.get(key);
      if (!p) throw unknownParam(study, key);
      out[key] = checkParamValue(study.name, p, value);
    }
    this.values = out;
  }

  private spec(name: string): ParamSpec {
    const p = this.specs.get(name);
    // A study reading a parameter it did not declare is a bug in the study, not user input.
    if (!p) throw new Error(`${this.study.name}: reads parameter '${name}' that it does not declare`);
    return p;
  }

  /** Whether the user set it (defaults do not count). */
  has(name: string): boolean {
    this.spec(name);
    return name in this.values;
  }

  /** The value, or the declared default; undefined when neither. */
  get(name: string): ParamValue | undefined {
    return this.values[name] ?? this.spec(name).default;
  }

  private need(name: string): ParamValue {
    const v = this.get(name);
    if (v === undefined) throw new Error(`${this.study.name}: parameter '${name}' has no default and was not set`);
    return v;
  }

  num(name: string): number {
    return Number(this.need(name));
  }

  /** The number when set or defaulted, else undefined (the study decides). */
  numOpt(name: string): number | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : Number(v);
  }

  str(name: string): string {
    return String(this.need(name));
  }

  strOpt(name: string): string | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : String(v);
  }

  bool(name: string): boolean {
    const v = this.need(name);
    return v === true || v === 'true';
  }

  /** A list parameter's items ('all' expands to every declared choice). */
  list(name: string): string[] {
    const p = this.spec(name);
    const items = this.str(name).split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (items.length === 1 && items[0] === 'all' && Array.isArray(p.list)) return [...p.list];
    return items;
  }

  /** A list parameter of numbers. */
  nums(name: string): number[] {
    return this.list(name).map(Number);
  }

  /** Everything in effect (set values over defaults), for the run record. */
  effective(): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    for (const p of this.specs.values()) {
      const v = this.get(p.name);
      if (v !== undefined) out[p.name] = v;
    }
    return out;
  }
}

/** The reader for a study run: `const P = studyParams(this, o)`. */
export function studyParams(study: Study, o: { params?: Readonly<Record<string, ParamValue>> }): StudyParams {
  return new StudyParams(study, o.params ?? {});
}
