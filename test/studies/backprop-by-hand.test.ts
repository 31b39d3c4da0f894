import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backpropByHand } from '../../src/studies/backprop-by-hand.js';

function grads(c: { x: number; m: number; b: number; yStar: number }): Record<string, number> {
  return Object.fromEntries(backpropByHand(c).nodes.map((n) => [n.name, n.grad]));
}

test('S6: autograd gives exactly the closed forms when the ReLU is open', () => {
  const c = { x: 2, m: 3, b: 1, yStar: 4 }; // z = 6, a = 7, y = 7, r = 2(7 − 4) = 6, s = 1
  const gr = grads(c);
  assert.equal(gr['o = d²'], 1);
  assert.equal(gr['d = y − y*'], 6); // the subtraction node: do/dd = 2d = r
  assert.equal(gr['y = max(0, a)'], 6);
  assert.equal(gr['y*'], -6);
  assert.equal(gr['a = z + b'], 6);
  assert.equal(gr.b, 6);
  assert.equal(gr['z = x·m'], 6);
  assert.equal(gr.x, 18); // r·s·m
  assert.equal(gr.m, 12); // r·s·x
  const vals = Object.fromEntries(backpropByHand(c).nodes.map((n) => [n.name, n.value]));
  assert.equal(vals['o = d²'], 9);
  // Every edge's local gradient equals its closed form.
  const r = backpropByHand(c);
  assert.equal(r.edges.length, 8);
  for (const e of r.edges) assert.equal(e.local, e.expected, `${e.from} → ${e.to}`);
  assert.deepEqual(r.edges.find((e) => e.from === 'y*')!.local, -1);
  assert.deepEqual(r.edges.find((e) => e.from === 'm')!.local, 2);
});

test('S6: a closed ReLU (a ≤ 0) blocks every gradient below it', () => {
  const gr = grads({ x: 2, m: -3, b: 1, yStar: 4 }); // a = −5, y = 0, r = −8, s = 0
  assert.equal(gr['y = max(0, a)'], -8);
  assert.equal(gr['y*'], 8);
  for (const k of ['a = z + b', 'b', 'z = x·m', 'x', 'm']) assert.ok(gr[k] === 0, `${k}: ${gr[k]}`);
});

test('S6: every node matches its closed form on random cases, and the DOT graph lists each node', () => {
  for (let i = 0; i < 20; i++) {
    const c = { x: Math.sin(i) * 3, m: Math.cos(i * 1.7) * 2, b: Math.sin(i * 0.3), yStar: Math.cos(i) };
    const r = backpropByHand(c);
    for (const n of r.nodes) assert.ok(Math.abs(n.grad - n.expectedGrad) < 1e-12, `${n.name}: ${n.grad} vs ${n.expectedGrad}`);
    for (const e of r.edges) assert.ok(Math.abs(e.local - e.expected) < 1e-12, `${e.from} → ${e.to}: ${e.local} vs ${e.expected}`);
    for (const n of r.nodes) assert.ok(n.grad === 0 || r.svg.includes(`grad ${+n.grad.toPrecision(6)}<`), `svg shows ${n.name}'s gradient`);
    for (const name of ['x', 'm', 'b', 'y\\*', 'relu', 'square', 'add', 'mul']) assert.match(r.dot, new RegExp(name));
  }
});

test('S6 study: records a run with the SVG graph, the table and the DOT text', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { RunStore } = await import('../../src/track/store.js');
  const { StudyTracking } = await import('../../src/studies/tracking.js');
  const { backpropByHandStudy } = await import('../../src/studies/backprop-by-hand.js');
  const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'gradlab-s6-')), 'r.db'));
  const tracking = new StudyTracking(store, 'backprop-by-hand', 1);
  const r = await backpropByHandStudy.run({ seed: 1, log: () => {}, tracking, params: { x: '1.5' } });
  tracking.finish();
  assert.equal(r.testLoss, 0);
  assert.equal(tracking.runIds.length, 2);
  const fig = store.media(tracking.runIds[0], { kind: 'figure' });
  assert.equal(fig.length, 1);
  const svg = (fig[0].data as { svg: string }).svg;
  assert.match(svg, /^<svg/);
  assert.match(svg, /d = y − y\* +\[sub\]/);
  assert.match(svg, /∂d\/∂y\* = -1/);
  assert.match(svg, /∂z\/∂m = 1\.5/);
  assert.ok(store.media(tracking.runIds[0], { kind: 'text' }).some((m) => m.tag === 'graph/table'));
  store.close();
});
