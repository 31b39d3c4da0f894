/** Progress bar: silent off a terminal; on one, trials done, best value, rate and ETA. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { formatValue, optimizeProgress } from '../../src/tune/progress.js';

class FakeTty extends Writable {
  text = '';
  isTTY = true;
  columns = 120;
  cursorTo(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += String(chunk);
    done();
  }
}

test('on a terminal the bar shows trials, best, rate and ETA; elsewhere nothing is written', () => {
  const tty = new FakeTty();
  const bar = optimizeProgress({ nTrials: 4, stream: tty });
  bar.update(1, 0.5);
  bar.update(4, 0.25);
  bar.stop();
  assert.match(tty.text, /4\/4 trials \| best 0\.25 \| [\d.]+ trials\/s \| ETA 0s/);
  const pipe = new FakeTty();
  pipe.isTTY = false;
  const silent = optimizeProgress({ nTrials: 4, stream: pipe });
  silent.update(1, 0.5);
  silent.stop();
  assert.equal(pipe.text, '');
  const off = new FakeTty();
  optimizeProgress({ nTrials: 2, stream: off, enabled: false }).update(1, 1);
  assert.equal(off.text, '');
});

test('values are shown with 6 significant digits, tiny and huge ones in exponent form', () => {
  assert.deepEqual([formatValue(null), formatValue(0.123456789), formatValue(2e-5), formatValue(123456), formatValue(0), formatValue(-Infinity)], ['–', '0.123457', '2.0000e-5', '1.2346e+5', '0', '-Infinity']);
});
