/** The library example of README.md, verbatim but for the import path: it must compile and learn. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { manualSeed, randn, nn, optim, data, train } from '../src/index.js';

test('the README example compiles, runs and learns', async () => {
  const gen = manualSeed(0);
  const x = randn([512, 20], { generator: gen });
  const y = x.sum(1).gt(0).int();                       // a label per row
  const [trainSet, valSet] = data.randomSplit(new data.TensorDataset(x, y), [400, 112], gen);

  const model = new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Linear(32, 2));
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const result = await train.fit({
    model, optimizer, epochs: 10,
    lossFn: (out, target) => nn.F.crossEntropy(out, target),
    train: new data.DataLoader(trainSet, { batchSize: 32, shuffle: true, generator: gen }),
    val: new data.DataLoader(valSet, { batchSize: 112 }),
  });
  const acc = result.history.at(-1)?.metrics['val/accuracy'] ?? 0;
  assert.ok(acc > 0.9, `validation accuracy ${acc}`);
});

test('README shows the same code', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const self = readFileSync(new URL('../../test/readme.test.ts', import.meta.url), 'utf8');
  const block = readme.split('```ts\n')[1].split('```')[0];
  const body = block.split('\n').slice(1).filter((l) => l.trim() && !l.startsWith('console.log'));
  for (const line of body) assert.ok(self.includes(line.trim()), `README line not in the tested example: ${line}`);
});
