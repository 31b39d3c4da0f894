/**
 * Whether operations record the graph. `noGrad(fn)` runs fn without recording (evaluation,
 * updates).
 *
 * An async fn works across its awaits: the mode stays off until the promise it returns settles,
 * as PyTorch's `with torch.no_grad(): await ...` keeps it off for the thread. Like there, the
 * mode is global while the promise is pending: other code that runs during the awaits does not
 * record either. Overlapping async scopes restore the mode when the last one settles.
 */

let enabled = true;
/** Async noGrad scopes whose promise has not settled yet. */
let pendingAsync = 0;
/** The mode before the first of the pending async scopes began. */
let beforeAsync = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(flag: boolean): void {
  enabled = flag;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * Runs fn with graph recording off, restoring the previous mode even if fn throws. When fn
 * returns a promise (an async function), recording stays off until it settles.
 */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    enabled = prev;
    throw e;
  }
  if (!isThenable(result)) {
    enabled = prev;
    return result;
  }
  if (pendingAsync++ === 0) beforeAsync = prev;
  const leave = (): void => {
    pendingAsync--;
    enabled = pendingAsync === 0 ? beforeAsync : false;
  };
  return Promise.resolve(result).then(
    (v) => { leave(); return v; },
    (e: unknown) => { leave(); throw e; },
  ) as T;
}

/**
 * Runs fn with graph recording on (inside a noGrad scope, for example). fn must be synchronous:
 * an async fn would record only until its first await, so it is an error.
 */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  let result: T;
  try {
    result = fn();
  } finally {
    enabled = prev;
  }
  if (isThenable(result)) {
    throw new TypeError('enableGrad: fn returned a promise; an async function would record only until its first await. Call enableGrad inside the async function around the synchronous part');
  }
  return result;
}
