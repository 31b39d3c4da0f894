/**
 * `node dist/bench/native-ab.js --addon OTHER.node [--only W2,W3] [--threads 2] [--rounds 5]`:
 * another build of the native addon (e.g. one built from an earlier commit) against this one, on
 * the same workload units of bench/gradlab.ts, unit by unit in turn (a pause, an untimed unit,
 * a timed unit), and prints the medians and the ratio other ÷ this (> 1: this build is faster).
 * On a busy machine this is the measurement to trust: both builds see the same load at the same
 * moment, where two separate bench runs do not. Not a test: nothing here asserts.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { registerBackend, setBackend } from '../src/backend/index.js';
import { createNativeBackend, loadNativeAddon, type NativeAddon } from '../src/backend/native/index.js';
import { parseThreads } from '../src/backend/threads.js';
import { GRADLAB } from './gradlab.js';
import { benchArgs } from './args.js';

const { arg } = benchArgs('bench/native-ab', ['addon', 'only', 'rounds', 'threads'], []);

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];

async function main(): Promise<void> {
  const otherPath = arg('addon', '');
  if (!otherPath) throw new Error('native-ab: --addon <path to another gradlab_native.node> is required');
  if (!existsSync(otherPath)) throw new Error(`native-ab: --addon ${otherPath}: no such file`);
  const only = arg('only', 'W1-256,W1-512,W2,W3,W5,W5F').split(',').filter(Boolean);
  for (const w of only) {
    if (!(w in GRADLAB)) throw new Error(`native-ab: unknown workload '${w}' (known: ${Object.keys(GRADLAB).join(', ')})`);
  }
  const threads = parseThreads(arg('threads', '2'), '--threads');
  const rounds = Number(arg('rounds', '5'));
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`native-ab: --rounds must be an integer ≥ 1, got '${arg('rounds', '5')}'`);
  const mine = loadNativeAddon();
  if ('error' in mine) throw new Error(`native-ab: this build's addon is unavailable: ${mine.error}`);
  const other = createRequire(import.meta.url)(resolve(otherPath)) as NativeAddon;
  const builds = { other, this: mine.addon };
  for (const [name, addon] of Object.entries(builds)) registerBackend({ ...createNativeBackend(addon, { threads }), name: `native-${name}` });
  console.log(`native-ab: ${otherPath} (other) vs this build, ${threads} thread${threads > 1 ? 's' : ''}, ${rounds} rounds`);
  for (const w of only) {
    const units: Record<string, () => void> = {};
    const times: Record<string, number[]> = { other: [], this: [] };
    for (const name of Object.keys(builds)) {
      setBackend(`native-${name}`);
      units[name] = GRADLAB[w]();
      units[name]();
    }
    for (let r = 0; r < rounds; r++) {
      for (const name of Object.keys(builds)) {
        setBackend(`native-${name}`);
        await new Promise((z) => setTimeout(z, 100));
        units[name]();
        const t0 = performance.now();
        units[name]();
        times[name].push(performance.now() - t0);
      }
    }
    const [a, b] = [median(times.other), median(times.this)];
    console.log(`${w}: other ${a.toFixed(2)} ms, this ${b.toFixed(2)} ms, other ÷ this ${(a / b).toFixed(2)}×` +
      `   (other ${times.other.map((t) => t.toFixed(1)).join(' ')} | this ${times.this.map((t) => t.toFixed(1)).join(' ')})`);
  }
}

main().catch((e: unknown) => { console.error((e as Error).message); process.exitCode = 1; });
