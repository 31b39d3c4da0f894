/** Trials table: data-frame rows (see study.test.ts for the columns) rendered as aligned text. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable } from '../../src/tune/table.js';

test('numbers right-aligned, text left-aligned, empty cells for null, chosen columns only', () => {
  const rows = [
    { number: 0, value: 0.123456789, params_act: 'relu', state: 'complete', extra: 1 },
    { number: 10, value: null, params_act: 'tanh', state: 'fail', extra: 2 },
    { number: 2, value: 1.5e-6, params_act: null, state: 'pruned', extra: 3 },
  ];
  assert.equal(
    formatTable(rows, ['number', 'value', 'params_act', 'state']),
    ['number      value  params_act  state', '------  ---------  ----------  --------', '     0   0.123457  relu        complete', '    10             tanh        fail', '     2  1.5000e-6              pruned', ''].join('\n'),
  );
  assert.equal(formatTable([]), '\n\n');
});
