import assert from 'node:assert/strict';
import { test } from 'node:test';
import { graphSvg, layerNodes } from '../../src/track/graph-svg.js';

const nodes = [
  { id: 'o', title: 'o', op: 'square', value: 9, grad: 1 },
  { id: 'a', title: 'a', op: 'add', value: 3, grad: 6 },
  { id: 'x', title: 'x <&>', value: 1, grad: 6 },
  { id: 'b', title: 'b', value: 2, grad: null },
];
const edges = [
  { from: 'a', to: 'o', label: '∂o/∂a = 6' },
  { from: 'x', to: 'a', label: '∂a/∂x = 1' },
  { from: 'b', to: 'a' },
  { from: 'x', to: 'o' },
];

test('layers: outputs on top, each node one layer below its lowest consumer', () => {
  assert.deepEqual(Object.fromEntries(layerNodes(nodes, edges)), { o: 0, a: 1, x: 2, b: 2 });
  assert.throws(() => layerNodes(nodes, [...edges, { from: 'o', to: 'x' }]), /cycle/);
  assert.throws(() => layerNodes(nodes, [{ from: 'q', to: 'o' }]), /edge q → o names a node that is not in the graph/);
});

test('graphSvg: a box per node with value and gradient, a path per edge with its label, text escaped, inputs below', () => {
  const svg = graphSvg(nodes, edges, { title: 'T' });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<rect x=/g) ?? []).length, nodes.length + 2, 'boxes and two edge labels');
  assert.equal((svg.match(/<path d="M [\d.]+ [\d.]+ C/g) ?? []).length, edges.length);
  assert.match(svg, /x &lt;&amp;&gt;/);
  assert.match(svg, /grad –/);
  assert.match(svg, /∂o\/∂a = 6/);
  const yOf = (title: string): number => {
    const m = new RegExp(`<rect x="[\\d.]+" y="([\\d.]+)"[^>]*/>\\n<text[^>]*>${title}`).exec(svg);
    assert.ok(m, title);
    return Number(m[1]);
  };
  assert.ok(yOf('o') < yOf('a') && yOf('a') < yOf('b'));
});
