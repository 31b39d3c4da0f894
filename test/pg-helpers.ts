/**
 * A real PostgreSQL for the tests that need one.
 *
 * With GRADLAB_TEST_PG_URL set (.ci/run starts a server and sets it), each call makes a fresh
 * database on that server and drops it afterwards. Without it, and where Debian's postgresql is
 * installed, a throwaway server is started in a temporary directory (scripts/pg-temp.sh: loopback
 * only, trust login, run as the 'postgres' user when root) and stopped afterwards. Otherwise the
 * caller gets the reason to skip.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SyncPg } from '../src/track/pg-sync.js';

/** The repository root (this file is compiled to dist/test/pg-helpers.js). */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PG_TEMP = join(REPO, 'scripts', 'pg-temp.sh');

export interface TestPg {
  /** URL of a fresh, empty database. */
  url: string;
  /** Where the server listens. */
  server: { host: string; port: number };
  /** Make one more fresh database; returns its URL. */
  newDatabase(): string;
  stop(): void;
}

function hasInitdb(): boolean {
  const fromLib = existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  if (fromLib) return true;
  try {
    execFileSync('sh', ['-c', 'command -v initdb'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export function pgSkipReason(): string | null {
  if (process.env.GRADLAB_TEST_PG_URL) return null;
  if (!hasInitdb()) return 'PostgreSQL is not installed (no initdb; apt-get install postgresql) and GRADLAB_TEST_PG_URL is not set';
  if (process.getuid?.() === 0) {
    try {
      execFileSync('sh', ['-c', 'command -v runuser'], { stdio: 'ignore' });
    } catch {
      return 'running as root without runuser, so no PostgreSQL server can be started (it refuses root)';
    }
  }
  return null;
}

let counter = 0;

function withDb(admin: string, name: string): string {
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Start (or reuse, from GRADLAB_TEST_PG_URL) a server and give a fresh database on it. */
export function startTestPg(opts: { listen?: string; hbaCidr?: string } = {}): TestPg {
  let admin = process.env.GRADLAB_TEST_PG_URL ?? '';
  let dir: string | null = null;
  if (!admin || opts.listen) {
    dir = mkdtempSync(join(tmpdir(), 'gradlab-pg-'));
    chmodSync(dir, 0o755);
    admin = execFileSync('bash', [PG_TEMP, 'start', dir, opts.listen ?? '127.0.0.1', opts.hbaCidr ?? ''], { encoding: 'utf8' }).trim().split('\n').pop()!;
  }
  const made: string[] = [];
  const conn = new SyncPg(admin);
  const newDatabase = (): string => {
    const name = `gl_${process.pid}_${++counter}_${Math.floor(Math.random() * 1e6)}`;
    conn.query(`CREATE DATABASE ${name}`);
    made.push(name);
    return withDb(admin, name);
  };
  const u = new URL(admin);
  return {
    url: newDatabase(),
    server: { host: u.hostname, port: Number(u.port) },
    newDatabase,
    stop(): void {
      if (dir) {
        conn.close();
        execFileSync('bash', [PG_TEMP, 'stop', dir], { stdio: 'ignore' });
      } else {
        for (const n of made) {
          try {
            conn.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
          } catch {
            // a worker still holds it; the CI server is thrown away anyway
          }
        }
        conn.close();
      }
    },
  };
}
