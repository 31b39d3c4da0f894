/**
 * `--set key=value` checked against a study's declared parameters: an unknown key, a value of the
 * wrong type or out of range is a named error (StudyParamError, exit code 2 in the CLI) that lists
 * the valid ones.
 */
import { unknownNameMessage } from '../tensor/options.js';
import type { ParamSpec, Study } from './study.js';

export type ParamValue = string | number | boolean;

export class StudyParamError extends Error {
  override name = 'StudyParamError';
}

/** `name (type, range/choices, default): help`, one line. */
export function describeParam(p: ParamSpec): string {
  const range = p.choices ? p.choices.join('|')
    : p.min !== undefined || p.max !== undefined ? `${p.min ?? '-∞'}…${p.max ?? '∞'}` : '';
  const dflt = p.default !== undefined ? `, default ${p.default}` : '';
  return `${p.name} (${p.type}${range ? ' ' + range : ''}${dflt}): ${p.help}`;
}

/** Parses one raw string as the declared type, or throws StudyParamError naming the study and key. */
export function parseParam(study: string, p: ParamSpec, raw: string): ParamValue {
  const bad = (why: string) => new StudyParamError(`${study}: --set ${p.name}=${raw}: ${why} (${describeParam(p)})`);
  switch (p.type) {
    case 'int':
    case 'float': {
      const v = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) throw bad(`not a number`);
      if (p.type === 'int' && !Number.isInteger(v)) throw bad('not an integer');
      if (p.min !== undefined && v < p.min) throw bad(`below the minimum ${p.min}`);
      if (p.max !== undefined && v > p.max) throw bad(`above the maximum ${p.max}`);
      return v;
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

/** Checks every raw --set value against the study's declaration; returns the typed values. */
export function parseStudyParams(study: Study, raw: Record<string, string>): Record<string, ParamValue> {
  const specs = study.params ?? [];
  const byName = new Map(specs.map((p) => [p.name, p]));
  const out: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(raw)) {
    const p = byName.get(key);
    if (!p) {
      const valid = specs.map((s) => s.name);
      throw new StudyParamError(`${study.name}: ${unknownNameMessage('parameter', key, valid)}; valid parameters: ${valid.length ? valid.join(', ') : 'none'}`);
    }
    out[key] = parseParam(study.name, p, value);
  }
  return out;
}
