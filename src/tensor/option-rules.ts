/**
 * Rules shared by the option specs of many classes (see options.ts): an option PyTorch has and
 * gradlab does not implement (accepted only at its default, otherwise a named error), a value
 * that may be null, an array of numbers, a tensor.
 */
import type { OptionRule } from './options.js';
import { checkValue } from './options.js';

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'function') return 'a function';
  try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
}

/**
 * An option gradlab does not implement: the default (PyTorch's) value is accepted because it
 * changes nothing; any other value is `is not implemented in gradlab`.
 */
export function notImplemented(defaultValue: unknown, note = ''): OptionRule {
  return (v: unknown) => (v === defaultValue ? null : `is not implemented in gradlab${note ? ` (${note})` : ''}; got ${show(v)}, only ${show(defaultValue)} is accepted`);
}

/** null, or a value the rule accepts. */
export function nullable(rule: OptionRule): OptionRule {
  return (v: unknown) => (v === null ? null : checkValue(v, rule));
}

/** An array whose entries each pass the rule (length fixed when given). */
export function arrayOf(rule: OptionRule, length?: number): OptionRule {
  return (v: unknown) => {
    if (!Array.isArray(v)) return `must be an array, got ${show(v)}`;
    if (length !== undefined && v.length !== length) return `must have ${length} values, got ${v.length}`;
    for (const [i, x] of v.entries()) {
      const p = checkValue(x, rule);
      if (p !== null) return `entry ${i} ${p}`;
    }
    return null;
  };
}

/** Either rule. */
export function either(a: OptionRule, b: OptionRule): OptionRule {
  return (v: unknown) => {
    const pa = checkValue(v, a);
    if (pa === null) return null;
    return checkValue(v, b) === null ? null : pa;
  };
}

/** An object that is a tensor-like value (has shape and data): typed as 'any' otherwise. */
export const tensorLike: OptionRule = (v: unknown) =>
  v !== null && typeof v === 'object' && 'shape' in (v as object) && 'data' in (v as object) ? null : `must be a Tensor, got ${show(v)}`;
