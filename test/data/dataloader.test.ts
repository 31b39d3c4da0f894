import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as g from '../../src/index.js';
import { DataLoader, TensorDataset, randomSplit, subsample } from '../../src/data/index.js';

const ds = (): TensorDataset => new TensorDataset(g.arange(10).float().reshape([10, 1]), g.arange(10));

test('batches in order, last batch smaller or dropped', () => {
  const batches = [...new DataLoader(ds(), { batchSize: 4 })];
  assert.deepEqual(batches.map(([, y]) => y.toFlatArray()), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.equal(new DataLoader(ds(), { batchSize: 4 }).length, 3);
  const dropped = [...new DataLoader(ds(), { batchSize: 4, dropLast: true })];
  assert.equal(dropped.length, 2);
  assert.equal(new DataLoader(ds(), { batchSize: 4, dropLast: true }).length, 2);
});

test('shuffling is seeded, covers every sample once, and changes between epochs', () => {
  const order = (seed: number): number[][] => {
    const dl = new DataLoader(ds(), { batchSize: 3, shuffle: true, generator: new g.Generator(seed) });
    return [[...dl].flatMap(([, y]) => y.toFlatArray()), [...dl].flatMap(([, y]) => y.toFlatArray())];
  };
  const [e1, e2] = order(5);
  assert.deepEqual([...e1].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.notDeepEqual(e1, e2);
  assert.deepEqual(order(5), [e1, e2]);
});

test('collate stacks samples when the dataset has no getBatch', () => {
  const plain = { length: 3, get: (i: number) => [g.tensor([i, i]), g.tensor(i, { dtype: 'int32' })] };
  const [[x, y]] = [...new DataLoader(plain, { batchSize: 3 })];
  assert.deepEqual(x.shape, [3, 2]);
  assert.deepEqual(y.toFlatArray(), [0, 1, 2]);
});

test('randomSplit by counts or fractions: disjoint, complete, seeded', () => {
  const [a, b, c] = randomSplit(ds(), [6, 2, 2], new g.Generator(1));
  const all = [...a.indices, ...b.indices, ...c.indices].sort((x, y) => x - y);
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const [f1, f2] = randomSplit(ds(), [0.75, 0.25], new g.Generator(1));
  assert.deepEqual([f1.length, f2.length], [8, 2]);
  assert.deepEqual([...randomSplit(ds(), [6, 4], new g.Generator(9))[0].indices], [...randomSplit(ds(), [6, 4], new g.Generator(9))[0].indices]);
  assert.throws(() => randomSplit(ds(), [6, 5]), /lengths \[6, 5\] must be counts adding up to 10/);
  assert.equal(subsample(ds(), 0.3, new g.Generator(1)).length, 3);
  assert.throws(() => new TensorDataset(g.ones([3, 2]), g.ones([4])), /tensor 1 has shape \[4\], but tensor 0 has 3 rows/);
});

test('stateDict/loadStateDict: a loader continues the same epoch from its next batch, and the next epochs draw the same orders', () => {
  const order = (dl: DataLoader): number[][] => [...dl].map(([, y]) => y.toFlatArray());
  const a = new DataLoader(ds(), { batchSize: 3, shuffle: true, generator: new g.Generator(5) });
  order(a); // epoch 1
  const it = a[Symbol.iterator]();
  const first = (it.next().value as g.Tensor[])[1].toFlatArray(); // one batch of epoch 2
  const saved = JSON.parse(JSON.stringify(a.stateDict()));
  const restOf2 = [...{ [Symbol.iterator]: () => it }].map(([, y]) => y.toFlatArray());
  const epoch3 = order(a);
  const b = new DataLoader(ds(), { batchSize: 3, shuffle: true, generator: new g.Generator(999) });
  b.loadStateDict(saved);
  assert.equal(saved.position, 1);
  assert.deepEqual(order(b), restOf2, 'the rest of the interrupted epoch');
  assert.deepEqual(order(b), epoch3, 'then the same next epoch');
  assert.equal(first.length, 3);
  // At an epoch end the position is complete: the next iteration is a new epoch.
  const c = new DataLoader(ds(), { batchSize: 3, shuffle: true, generator: new g.Generator(5) });
  order(c);
  const end = c.stateDict();
  const next = order(c);
  const d = new DataLoader(ds(), { batchSize: 3, shuffle: true, generator: new g.Generator(1) });
  d.loadStateDict(end);
  assert.deepEqual(order(d), next);
});

test('Generator getState/setState continue the same stream (normals included)', () => {
  const a = new g.Generator(7);
  a.normal();
  const s = a.getState();
  const x = [a.normal(), a.random(), a.nextU32()];
  const b = new g.Generator(1).setState(JSON.parse(JSON.stringify(s)));
  assert.deepEqual([b.normal(), b.random(), b.nextU32()], x);
  assert.throws(() => b.setState({ seed: 1, s: [1, 2], spare: null } as never), /expected \{seed, s: \[4 integers\], spare\}/);
});
