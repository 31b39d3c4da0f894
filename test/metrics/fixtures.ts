/**
 * Loads the scikit-learn parity fixtures (test/fixtures/sklearn/*.json, made by
 * scripts/make_sklearn_fixtures.py) from the repository root, which is found by walking up from
 * this compiled file to the folder holding package.json. Also: closeness checks with NaN (stored
 * as null in JSON) treated as equal to NaN.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'fixtures'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export function loadFixture<T>(name: string): T {
  const path = join(repoRoot(), 'test', 'fixtures', 'sklearn', name);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

type Num = number | null;
export type Nested = Num | Nested[];

/** Flattens nested arrays of numbers (null → NaN). */
export function flat(x: Nested | readonly Nested[] | ArrayLike<number>): number[] {
  if (x === null) return [NaN];
  if (typeof x === 'number') return [x];
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) out.push(...flat((x as ArrayLike<Nested>)[i]));
  return out;
}

/** |a − e| ≤ tol·max(1, |e|) elementwise, NaN equal to NaN, lengths equal. */
export function near(actual: Nested | ArrayLike<number> | readonly Nested[], expected: Nested | readonly Nested[], what: string, tol = 1e-9): void {
  const a = flat(actual as Nested);
  const e = flat(expected);
  assert.equal(a.length, e.length, `${what}: length ${a.length} ≠ expected ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(e[i]) && Number.isNaN(a[i])) continue;
    if (!(Math.abs(a[i] - e[i]) <= tol * Math.max(1, Math.abs(e[i])))) assert.fail(`${what}[${i}]: got ${a[i]}, sklearn ${e[i]} (tol ${tol})`);
  }
}
