/**
 * The code version stored with each run, so a curve can be traced back to the code that drew
 * it: `git describe --always --dirty --tags` of the gradlab checkout this module runs from,
 * else `gradlab@<version>` from the package.json next to this module.
 * Computed once per process (running git costs a few milliseconds).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

function gitDescribe(cwd: string): string | null {
  try {
    const out = execFileSync('git', ['describe', '--always', '--dirty', '--tags'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    return out.length > 0 ? `git:${out}` : null;
  } catch {
    return null;
  }
}

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'gradlab' && typeof pkg.version === 'string') return `gradlab@${pkg.version}`;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    dir = dirname(dir);
  }
  return 'gradlab@unknown';
}

/** The version string for runs started by this process. */
export function codeVersion(): string {
  if (cached === undefined) {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    cached = gitDescribe(root) ?? packageVersion();
  }
  return cached;
}
