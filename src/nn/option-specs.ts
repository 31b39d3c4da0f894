/**
 * Option rules the nn modules share (used with tensor/options.ts checkOptions): sizes,
 * reductions, and PyTorch options gradlab does not implement (a named error unless left at
 * PyTorch's default).
 */
import { num, oneOf, OptionRule } from '../tensor/options.js';
import { notImplemented } from '../tensor/option-rules.js';

/** A positive integer size (features, channels, heads). */
export const SIZE = num({ min: 1, integer: true });
/** A non-negative integer. */
export const COUNT = num({ min: 0, integer: true });
/** A probability in [0, 1]. */
export const PROB = num({ min: 0, max: 1 });
/** Any integer (dims may be negative). */
export const INT = num({ integer: true });
export const FINITE = num({ min: -Number.MAX_VALUE, max: Number.MAX_VALUE });
export const POSITIVE = num({ min: 0, minExclusive: true });
export const NONNEG = num({ min: 0 });

/** The reductions of every loss. */
export const REDUCTIONS = ['none', 'mean', 'sum'] as const;
export const REDUCTION = oneOf(REDUCTIONS);

/** PyTorch's factory options of modules with parameters (placement and dtype): not implemented. */
export const PARAM_OPTIONS: Record<string, OptionRule> = {
  generator: 'any',
  device: notImplemented(undefined, 'gradlab places tensors on its active backend'),
  dtype: notImplemented(undefined, 'build in float32 and call toDouble(module)'),
};

/** torch's `inplace` flag of activations and dropout. */
export const INPLACE: Record<string, OptionRule> = { inplace: notImplemented(false, 'gradlab ops return new tensors') };

/** Checks a reduction given positionally (the MSELoss('sum') form). */
export function reductionProblem(v: unknown): string | null {
  return (REDUCTIONS as readonly unknown[]).includes(v) ? null : `must be one of 'none', 'mean', 'sum', got ${typeof v === 'string' ? `'${v}'` : JSON.stringify(v)}`;
}
