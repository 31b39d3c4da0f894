/**
 * The command line of a bench script: the values (`--name value`) and flags (`--name`) it takes.
 * Anything else is a named error that lists what the script takes (nothing is ignored).
 */
import { parseArgs } from 'node:util';

export interface BenchArgs {
  /** The value of --name, or def when it was not given. */
  arg(name: string, def: string): string;
  /** Whether --name was given. */
  flag(name: string): boolean;
}

export function benchArgs(script: string, values: readonly string[], flags: readonly string[] = []): BenchArgs {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const v of values) options[v] = { type: 'string' };
  for (const f of flags) options[f] = { type: 'boolean' };
  let got: Record<string, string | boolean | undefined>;
  try {
    got = parseArgs({ args: process.argv.slice(2), options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    const takes = [...values.map((v) => `--${v} <value>`), ...flags.map((f) => `--${f}`)].join(', ');
    throw new Error(`${script}: ${(e as Error).message.split('\n')[0]} (it takes ${takes || 'no options'})`);
  }
  return {
    arg: (name, def) => (typeof got[name] === 'string' ? (got[name] as string) : def),
    flag: (name) => got[name] === true,
  };
}
