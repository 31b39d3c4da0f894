/**
 * Test helper for the second Ctrl-C: opens a store, starts a run, installs the CLI's stop
 * handlers and then waits on something that never ends (a step that does not look at the stop
 * flag), so only a second signal can end it.
 *
 *   node signals-child.js --child <db>
 */
import { RunStore } from '../../src/track/store.js';
import { handleStopSignals } from '../../src/cli/signals.js';

// Does nothing unless started with --child (node --test runs every .js file of a folder it is given).
if (process.argv[2] === '--child') {
  const store = RunStore.open(process.argv[3]!);
  const run = store.startRun({ name: 'stuck', study: 'signals-test' });
  run.logScalar('loss', 1, 0);
  handleStopSignals('test');
  process.stdout.write(`ready ${run.id}\n`);
  setInterval(() => undefined, 1000);
}
