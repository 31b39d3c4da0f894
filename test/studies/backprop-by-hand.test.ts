import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backpropByHand } from '../../src/studies/backprop-by-hand.js';

function grads(c: { x: number; m: number; b: number; yStar: number }): Record<string, number> {
  return Object.fromEntries(backpropByHand(c).nodes.map((n) => [n.name, n.grad]));
}

test('S6: autograd gives exactly the closed forms when the ReLU is open', () => {
  const c = { x: 2, m: 3, b: 1, yStar: 4 }; // z = 6, a = 7, y = 7, r = 2(7 − 4) = 6, s = 1
  const gr = grads(c);
  assert.equal(gr['o = (y − y*)²'], 1);
  assert.equal(gr['y = max(0, a)'], 6);
  assert.equal(gr['y*'], -6);
  assert.equal(gr['a = z + b'], 6);
  assert.equal(gr.b, 6);
  assert.equal(gr['z = x·m'], 6);
  assert.equal(gr.x, 18); // r·s·m
  assert.equal(gr.m, 12); // r·s·x
  const vals = Object.fromEntries(backpropByHand(c).nodes.map((n) => [n.name, n.value]));
  assert.equal(vals['o = (y − y*)²'], 9);
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
    for (const name of ['x', 'm', 'b', 'y\\*', 'relu', 'square', 'add', 'mul']) assert.match(r.dot, new RegExp(name));
  }
});
