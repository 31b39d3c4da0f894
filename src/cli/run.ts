/** `gradlab run <study>` and `gradlab list`. */
import type { Command } from 'commander';
import { setBackend } from '../backend/index.js';
import { findStudy, studies } from '../studies/index.js';

export function registerRun(program: Command, int: (v: string) => number): void {
  program
    .command('list')
    .description('list the studies that `gradlab run` knows')
    .action(() => {
      for (const s of studies) process.stdout.write(`${s.name.padEnd(20)} ${s.title}\n`);
    });

  program
    .command('run <study>')
    .description('run a study of shared/STUDIES.md end to end')
    .option('--epochs <n>', 'number of epochs (default: the study\'s own)', int)
    .option('--seed <n>', 'random seed', int, 1)
    .option('--json', 'print one JSON line with the results at the end (logs go to stderr)')
    .option('--backend <name>', 'kernel backend (js or wasm)')
    .option('--set <key=value...>', 'study-specific parameters')
    .action(async (name: string, opts: { epochs?: number; seed: number; json?: boolean; backend?: string; set?: string[] }) => {
      const study = findStudy(name);
      if (opts.backend) setBackend(opts.backend);
      const out = opts.json ? process.stderr : process.stdout;
      const params: Record<string, string> = {};
      for (const kv of opts.set ?? []) {
        const i = kv.indexOf('=');
        if (i <= 0) throw new Error(`--set expects key=value, got '${kv}'`);
        params[kv.slice(0, i)] = kv.slice(i + 1);
      }
      const result = await study.run({ epochs: opts.epochs, seed: opts.seed, params, log: (l) => out.write(l + '\n') });
      if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
    });
}
