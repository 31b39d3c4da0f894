/** Runs one CLI verb in-process through commander and returns what it printed on stdout. */
import { Command } from 'commander';

export async function runCli(register: (program: Command) => void, args: string[]): Promise<string> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  register(program);
  // Let the test runner flush what it still has to write for earlier tests (it writes to this
  // process's stdout), so a command that gives the event loop a turn does not capture it.
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array): boolean => ((out += String(chunk)), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'gradlab', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}
