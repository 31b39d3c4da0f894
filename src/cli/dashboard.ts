/**
 * `gradlab dashboard [--db path|postgresql://…] [--port n] [--host 127.0.0.1]`: serve the web
 * dashboard over a run database (SQLite file or PostgreSQL) until interrupted. Bad input (a file that is not SQLite, a missing database,
 * a port in use) is reported with the path or port and what to do.
 */
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_PORT, isLoopback, startDashboard, type Dashboard } from '../dashboard/server.js';
import { isPostgresUrl, redactUrl } from '../track/storage-url.js';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port number 0..65535, got '${v}'`);
  return n;
}

export interface DashboardCliHooks {
  /** Called once the server listens (tests use it to reach and stop the server). */
  onListening?: (d: Dashboard) => void;
  /** Where the "listening" line goes (default stdout). */
  out?: (line: string) => void;
}

export function registerDashboard(program: Command, hooks: DashboardCliHooks = {}): void {
  program
    .command('dashboard')
    .description('serve a web dashboard of the tracked runs (curves, histograms, media, comparisons)')
    .option('--db <path|url>', 'run database: a SQLite path or postgresql://user@host:port/db', 'runs/gradlab.db')
    .option('--port <n>', `port to listen on (0: any free port)`, port, DEFAULT_PORT)
    .option('--host <address>', 'address to listen on (127.0.0.1: this machine only; another needs --allow-remote)', '127.0.0.1')
    .option('--allow-remote', 'allow a --host other than loopback (the dashboard has no authentication)')
    .action(async (opts: { db: string; port: number; host: string; allowRemote?: boolean }) => {
      const db = isPostgresUrl(opts.db) ? opts.db : resolve(opts.db);
      const d = await startDashboard({ db, port: opts.port, host: opts.host, allowRemote: opts.allowRemote ?? false });
      const out = hooks.out ?? ((l: string) => void process.stdout.write(l + '\n'));
      if (!isLoopback(opts.host)) {
        process.stderr.write(`gradlab dashboard: warning: listening on ${opts.host}, not loopback, with no authentication: anyone who can reach ${d.url} can read every run in ${redactUrl(db)}\n`);
      }
      out(`gradlab dashboard: ${redactUrl(db)}`);
      out(`listening on ${d.url}  (Ctrl-C to stop)`);
      if (hooks.onListening) hooks.onListening(d);
      else {
        const stop = (): void => void d.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }
    });
}
