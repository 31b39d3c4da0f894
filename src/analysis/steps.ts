/**
 * The long analyses (t-SNE, k-means, nearest neighbours) are written once, as generators that
 * yield between steps. The synchronous functions run them to the end (`drain`); the async ones
 * await a caller's hook at every yield (`driveAsync`), which may give the event loop a turn or
 * throw to stop. Both take the same steps, so they give the same numbers.
 */

/** A computation that yields `Y` between steps and returns `R`. */
export type Steps<Y, R> = Generator<Y, R, void>;

/** Runs the steps to the end. */
export function drain<R>(steps: Steps<unknown, R>): R {
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
  }
}

/** Runs the steps, awaiting `hook` (when given) at every yield; what the hook throws ends them. */
export async function driveAsync<Y, R>(steps: Steps<Y, R>, hook: ((y: Y) => void | Promise<void>) | undefined): Promise<R> {
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
    if (hook) await hook(s.value);
  }
}

/** The same steps, each yield replaced by `value`. */
export function* relabel<Y, R>(steps: Steps<unknown, R>, value: Y): Steps<Y, R> {
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
    yield value;
  }
}
