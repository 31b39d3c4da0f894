/**
 * Where gradlab's time goes: runs a workload on a backend whose every kernel is wrapped with a
 * timer, and reports milliseconds per unit by kernel (GEMMs by shape), next to the unit's total.
 * The difference between the total and the kernels is JavaScript outside the kernels (autograd
 * bookkeeping, allocation, model code).
 */
import type { Backend, MatmulSpec } from '../src/backend/backend.js';

export interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
}

export interface Profile {
  /** Wall time of one unit (ms), with the timers on. */
  totalMs: number;
  /** Time inside kernels (ms per unit). */
  kernelMs: number;
  /** Largest first. */
  kernels: KernelTime[];
}

function key(name: string, args: unknown[]): string {
  if (name === 'matmul') {
    const s = args[3] as MatmulSpec;
    return `matmul ${s.batch}×${s.m}×${s.k}×${s.n}${s.transA ? ' Aᵀ' : ''}${s.transB ? ' Bᵀ' : ''}`;
  }
  if (name === 'unary' || name === 'binary' || name === 'reduce') return `${name} ${String(args[0])}`;
  return name;
}

/** A backend that forwards to `inner` and adds each kernel's time into `times`. */
export function timedBackend(inner: Backend, name: string, times: Map<string, KernelTime>): Backend {
  const wrapped: Record<string, unknown> = { name };
  for (const [k, v] of Object.entries(inner)) {
    if (k === 'name') continue;
    if (typeof v !== 'function') { wrapped[k] = v; continue; }
    const f = v as (...a: unknown[]) => unknown;
    wrapped[k] = (...args: unknown[]): unknown => {
      const t0 = performance.now();
      const r = f(...args);
      const dt = performance.now() - t0;
      const id = key(k, args);
      const e = times.get(id) ?? { kernel: id, ms: 0, calls: 0 };
      e.ms += dt;
      e.calls++;
      times.set(id, e);
      return r;
    };
  }
  return wrapped as unknown as Backend;
}

/** Runs `unit` `units` times with `times` collecting (the caller activates the timed backend). */
export function profile(unit: () => void, units: number, times: Map<string, KernelTime>): Profile {
  times.clear();
  const t0 = performance.now();
  for (let i = 0; i < units; i++) unit();
  const totalMs = (performance.now() - t0) / units;
  const kernels = [...times.values()].map((e) => ({ kernel: e.kernel, ms: e.ms / units, calls: e.calls / units })).sort((a, b) => b.ms - a.ms);
  return { totalMs, kernelMs: kernels.reduce((a, e) => a + e.ms, 0), kernels };
}
