/**
 * Test helper: decode one Event record with Debian's `protoc --decode` against the hand-written
 * .proto files in test/fixtures/tensorboard. `protocMissing()` says why decoding is not possible
 * (null when protoc is there), so tests can skip with a reason.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test/fixtures/tensorboard in the source tree (this file runs from dist/test/track/tensorboard). */
export const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'fixtures', 'tensorboard');

let missing: string | null | undefined;

export function protocMissing(): string | null {
  if (missing === undefined) {
    const r = spawnSync('protoc', ['--version'], { encoding: 'utf8' });
    missing = r.error || r.status !== 0 ? 'protoc is not installed (apt-get install protobuf-compiler; .ci/run installs it)' : null;
  }
  return missing;
}

/** protoc's text form of an Event; throws with protoc's stderr when it cannot parse. */
export function protocDecode(record: Uint8Array): string {
  const r = spawnSync('protoc', ['--decode=tensorboard.Event', '-I', PROTO_DIR, 'event.proto'], { input: record, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`protoc --decode failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
