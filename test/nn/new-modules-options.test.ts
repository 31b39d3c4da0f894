/**
 * Every module added for issue 11 rejects a misspelt option key with a named error (the same
 * walk as the package-wide one: leading positional arguments are tried shortest first).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nn from '../../src/nn/index.js';

const NEW = [
  'Hardswish', 'Mish', 'Softsign', 'GLU', 'Threshold', 'Softmin', 'Unflatten', 'GroupNorm', 'InstanceNorm1d', 'InstanceNorm2d', 'Bilinear',
  'RNNCell', 'LSTMCell', 'GRUCell', 'CosineEmbeddingLoss', 'MarginRankingLoss', 'TripletMarginLoss', 'SoftMarginLoss', 'MultiLabelSoftMarginLoss',
  'MultiLabelMarginLoss', 'ConvTranspose1d', 'ConvTranspose2d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'Upsample', 'EmbeddingBag',
  'TransformerDecoderLayer', 'TransformerDecoder', 'Transformer', 'CTCLoss', 'MaxUnpool1d', 'MaxUnpool2d',
];

type Ctor = new (...args: unknown[]) => unknown;

test('a misspelt key is a named error in every new module', () => {
  const all = nn as unknown as Record<string, Ctor>;
  const layer = new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8 });
  const pool: unknown[] = [4, 2, layer, [2, 2]];
  const lists: unknown[][] = [[]];
  for (let len = 1; len <= 3; len++) for (const l of lists.filter((x) => x.length === len - 1)) for (const v of pool) lists.push([...l, v]);
  const failures: string[] = [];
  for (const name of NEW) {
    const C = all[name];
    assert.ok(C, `${name} is exported from nn`);
    let ok = false;
    let last = '';
    for (const args of lists) {
      try {
        new C(...args, { batch_first: true });
        last = `accepted with ${args.length} argument(s)`;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
        if (last.startsWith(name) && last.includes("unknown option 'batch_first'")) { ok = true; break; }
      }
    }
    if (!ok) failures.push(`${name}: ${last}`);
  }
  assert.deepEqual(failures, []);
});
