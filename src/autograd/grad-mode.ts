/** Whether operations record the graph. `noGrad(fn)` runs fn without recording (evaluation, updates). */

let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(flag: boolean): void {
  enabled = flag;
}

/** Runs fn with graph recording off, restoring the previous mode even if fn throws. */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs fn with graph recording on (inside a noGrad scope, for example). */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
