/**
 * `gradlab lab [--port n] [--host 127.0.0.1] [--no-isolation] [--build <dir>]`: serve the lab page
 * (training in the browser tab with the real library) until interrupted, or write it as static
 * files into <dir>.
 */
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_LAB_PORT, buildLab, startLab, type LabServer } from '../lab/server.js';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port number 0..65535, got '${v}'`);
  return n;
}

export interface LabCliHooks {
  onListening?: (l: LabServer) => void;
  out?: (line: string) => void;
}

export function registerLab(program: Command, hooks: LabCliHooks = {}): void {
  program
    .command('lab')
    .description('serve the lab page: train models in a browser tab with gradlab itself (or --build a static copy)')
    .option('--port <n>', 'port to listen on (0: any free port)', port, DEFAULT_LAB_PORT)
    .option('--host <address>', 'address to listen on (127.0.0.1: this machine only)', '127.0.0.1')
    .option('--no-isolation', 'serve without the COOP/COEP headers (the page then runs on one thread)')
    .option('--build <dir>', 'write the page as static files into <dir> instead of serving it')
    .action(async (opts: { port: number; host: string; isolation: boolean; build?: string }) => {
      const out = hooks.out ?? ((l: string) => void process.stdout.write(l + '\n'));
      if (opts.build !== undefined) {
        const dir = resolve(opts.build);
        const r = buildLab(dir);
        out(`gradlab lab: wrote ${r.files.length} files (${(r.bytes / 1e6).toFixed(1)} MB) to ${dir}`);
        out('serve that folder with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp for threads (_headers has them); without them the page runs on one thread');
        return;
      }
      const l = await startLab({ port: opts.port, host: opts.host, isolate: opts.isolation });
      out(`gradlab lab: listening on ${l.url}  (${opts.isolation ? 'cross-origin isolated: threads available' : 'not isolated: one thread'}; Ctrl-C to stop)`);
      if (hooks.onListening) hooks.onListening(l);
      else {
        const stop = (): void => void l.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }
    });
}
