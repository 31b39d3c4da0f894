/**
 * The parameter block every range kernel reads its sizes and pointers from (written by
 * Runtime.ints / Runtime.floats in src/backend/wasm/runtime.ts): i32 slots from `params`,
 * f64 slots from `params + 128`.
 */

@inline export function pi(params: usize, slot: i32): i32 {
  return load<i32>(params + (<usize>slot << 2));
}

@inline export function pf(params: usize, slot: i32): f32 {
  return <f32>load<f64>(params + 128 + (<usize>slot << 3));
}
