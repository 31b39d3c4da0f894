/**
 * State-dict key names in gradlab's camelCase and PyTorch's snake_case, part by part of a dotted
 * path: `layers.0.selfAttn.inProjWeight` ↔ `layers.0.self_attn.in_proj_weight`,
 * `runningMean` ↔ `running_mean`, `weightIhL0Reverse` ↔ `weight_ih_l0_reverse`,
 * `numBatchesTracked` ↔ `num_batches_tracked`. Digits and dots are kept.
 */

/** Which naming a state dict uses. */
export type KeyNames = 'gradlab' | 'torch';

/** `in_proj_weight` → `inProjWeight`, `weight_ih_l0_reverse` → `weightIhL0Reverse`; dots kept. */
export function torchKeyToGradlab(key: string): string {
  return key.split('.').map((part) => part.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())).join('.');
}

/** `inProjWeight` → `in_proj_weight`, `weightIhL0Reverse` → `weight_ih_l0_reverse`; dots kept. */
export function gradlabKeyToTorch(key: string): string {
  return key.split('.').map((part) => part.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join('.');
}

/** The key in the other naming. */
export function renameKey(key: string, to: KeyNames): string {
  return to === 'torch' ? gradlabKeyToTorch(key) : torchKeyToGradlab(key);
}
