import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as g from '../../src/index.js';
import { decodeSafetensors, loadCheckpoint, loadSafetensors, saveCheckpoint, saveSafetensors } from '../../src/io/index.js';
import { Linear, ReLU, Sequential } from '../../src/nn/index.js';
import { Adam } from '../../src/optim/index.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'gradlab-io-'));

test('safetensors round trip of float32, float64 and int32 tensors with metadata', () => {
  const p = join(dir(), 'a.safetensors');
  const t = { w: g.randn([3, 4]), d: g.tensor([1.5, -2], { dtype: 'float64' }), i: g.arange(5), s: g.scalar(7) };
  saveSafetensors(p, t, { note: 'hello' });
  const bytes = readFileSync(p);
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal((8 + n) % 8, 0, 'header padded to 8 bytes');
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + n));
  assert.deepEqual(header.w, { dtype: 'F32', shape: [3, 4], data_offsets: [header.w.data_offsets[0], header.w.data_offsets[0] + 48] });
  assert.equal(header.__metadata__.note, 'hello');
  const back = loadSafetensors(p);
  for (const [k, v] of Object.entries(t)) {
    assert.deepEqual(back.tensors[k].shape, v.shape, k);
    assert.equal(back.tensors[k].dtype, v.dtype, k);
    assert.deepEqual(back.tensors[k].toFlatArray(), v.toFlatArray(), k);
  }
});

test('bad files are clear errors naming the file', () => {
  const d = dir();
  const p = join(d, 'junk.safetensors');
  writeFileSync(p, Buffer.from('this is not a safetensors file at all'));
  assert.throws(() => loadSafetensors(p), new RegExp(`${p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} declares a \\d+-byte header but holds only \\d+ bytes`));
  assert.throws(() => loadSafetensors(join(d, 'missing.safetensors')), /no file at/);
  const head = Buffer.from(JSON.stringify({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 12] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.length));
  assert.throws(() => decodeSafetensors(Buffer.concat([len, head, Buffer.alloc(12)]), 'x.st'), /tensor 'x' in x.st: has offsets \[0, 12\] that do not fit shape \[4\] F32/);
  const bf = Buffer.from(JSON.stringify({ x: { dtype: 'I16', shape: [1], data_offsets: [0, 2] } }));
  len.writeBigUInt64LE(BigInt(bf.length));
  assert.throws(() => decodeSafetensors(Buffer.concat([len, bf, Buffer.alloc(2)]), 'b.st'), /has dtype I16; gradlab reads F64, F32, F16, BF16, I64, I32, I8, U8, BOOL/);
});

test('a checkpoint restores model and Adam state exactly, so training continues identically', () => {
  const p = join(dir(), 'ckpt.safetensors');
  const make = (): { m: Sequential; o: Adam } => {
    g.manualSeed(4);
    const m = new Sequential(new Linear(3, 5), new ReLU(), new Linear(5, 2));
    return { m, o: new Adam(m.parameters(), { lr: 0.01 }) };
  };
  const x = g.randn([8, 3], { generator: new g.Generator(1) });
  const y = g.randint(0, 2, [8], { generator: new g.Generator(2) });
  const stepOnce = (m: Sequential, o: Adam): void => {
    o.zeroGrad();
    g.nn.F.crossEntropy(m.forward(x), y).backward();
    o.step();
  };
  const a = make();
  for (let i = 0; i < 3; i++) stepOnce(a.m, a.o);
  saveCheckpoint(p, a.m, a.o, { epoch: 3, metrics: { 'val/loss': 0.5 } });
  const b = make();
  const info = loadCheckpoint(p, b.m, b.o);
  assert.deepEqual(info, { epoch: 3, metrics: { 'val/loss': 0.5 } });
  stepOnce(a.m, a.o);
  stepOnce(b.m, b.o);
  for (const [[k, pa], [, pb]] of a.m.namedParameters().map((e, i) => [e, b.m.namedParameters()[i]] as const)) {
    assert.deepEqual(pb.toFlatArray(), pa.toFlatArray(), k);
  }
  const other = new Sequential(new Linear(3, 4));
  assert.throws(() => loadCheckpoint(p, other), /loadStateDict\(Sequential\): missing keys|size mismatch|unexpected keys/);
});

test('a process killed while writing checkpoints leaves the last complete one', async () => {
  const d = dir();
  const p = join(d, 'big.safetensors');
  const script = fileURLToPath(new URL('./writer-child.js', import.meta.url));
  const child = fork(script, [p], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise<void>((resolve) => child.on('message', () => resolve()));
  // At least one full write happened; kill it in the middle of later ones.
  await new Promise((r) => setTimeout(r, 150));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  const f = loadSafetensors(p);
  const v = f.tensors.w;
  assert.equal(v.size, 2_000_000);
  const first = v.data[0];
  assert.ok(v.data.every((x) => x === first), 'the file holds one complete write');
  assert.equal(f.metadata.round, String(first));
  assert.ok(readdirSync(d).every((n) => n === 'big.safetensors' || n.endsWith('.tmp')));
});

// ---- dtypes, header checks, and checkpoints both ways with PyTorch ----
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { bf16ToFloat, floatToBf16, floatToHalf, halfToFloat } from '../../src/io/index.js';
import * as nn from '../../src/nn/index.js';
import { Module } from '../../src/nn/module.js';
import { Tensor } from '../../src/tensor/tensor.js';

const fixtures = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'test', 'fixtures', 'torch');
const script = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'scripts', 'make_torch_checkpoints.py');

function rawFile(header: unknown, data = Buffer.alloc(0)): Buffer {
  const head = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.length));
  return Buffer.concat([len, head, data]);
}

test('half and bfloat16: every F16 bit pattern round trips; rounding to nearest even; overflow is null', () => {
  for (let h = 0; h < 0x10000; h++) {
    const v = halfToFloat(h);
    if (Number.isNaN(v)) continue;
    assert.equal(floatToHalf(v), h, `half 0x${h.toString(16)} = ${v}`);
  }
  assert.equal(halfToFloat(floatToHalf(1 + 2 ** -11) as number), 1, 'tie to even (down)');
  assert.equal(halfToFloat(floatToHalf(1 + 3 * 2 ** -11) as number), 1 + 2 ** -9, 'tie to even (up)');
  assert.equal(floatToHalf(65520), null);
  assert.equal(halfToFloat(floatToHalf(2 ** -25) as number), 0);
  assert.equal(halfToFloat(floatToHalf(3 * 2 ** -26) as number), 2 ** -24);
  for (const v of [0, 1, -3.140625, 255, 0.0078125, 1e30]) assert.equal(bf16ToFloat(floatToBf16(v) as number), Math.fround(bf16ToFloat(floatToBf16(v) as number)));
  assert.equal(bf16ToFloat(floatToBf16(1 + 2 ** -8) as number), 1, 'bf16 tie to even');
  assert.equal(floatToBf16(3.4e38), null);
});

test('safetensors written by PyTorch: F16, BF16, I64, I8, U8, BOOL, F64 load as gradlab dtypes; a tensor named __proto__ is kept', () => {
  const f = loadSafetensors(join(fixtures, 'dtypes.safetensors'));
  const expected = JSON.parse(readFileSync(join(fixtures, 'dtypes.json'), 'utf8')) as { tensors: Record<string, { dtype: string; shape: number[]; data: (number | string)[] }> };
  const loads: Record<string, string> = { F16: 'float32', BF16: 'float32', F64: 'float64', F32: 'float32', I64: 'int32', I8: 'int32', U8: 'int32', BOOL: 'int32' };
  for (const [name, e] of Object.entries(expected.tensors)) {
    const t = f.tensors[name];
    assert.ok(t instanceof Tensor, `${name} loaded`);
    assert.equal(f.dtypes[name], e.dtype, name);
    assert.equal(t.dtype, loads[e.dtype], name);
    assert.deepEqual([...t.shape], e.shape, name);
    assert.deepEqual(Array.from(t.data), e.data.map(Number), name);
  }
  assert.equal(Object.getPrototypeOf(f.tensors), null);
  assert.deepEqual(Array.from(f.tensors.__proto__.data), [7, 8]);
  assert.throws(() => loadSafetensors(join(fixtures, 'dtypes-i64-overflow.safetensors')),
    /tensor 'big' in .*dtypes-i64-overflow.safetensors holds 1099511627776 at index 2, which does not fit gradlab's int32/);
});

test('safetensors writes F16, BF16, I64, I8, U8, BOOL on request, with a named error where a value does not fit', () => {
  const t = { h: g.tensor([1, -2.5, 65504, 6.1035156e-5]), b: g.tensor([1, -3.140625]), i: g.tensor([0, -1, 2147483647], { dtype: 'int32' }), s: g.tensor([-128, 127]), u: g.tensor([0, 255]), q: g.tensor([1, 0, 1]) };
  const dtypes = { h: 'F16', b: 'BF16', i: 'I64', s: 'I8', u: 'U8', q: 'BOOL' } as const;
  const back = decodeSafetensors(Buffer.concat(g.io.encodeSafetensors(t, {}, { dtypes })));
  for (const [k, v] of Object.entries(t)) {
    assert.equal(back.dtypes[k], dtypes[k as keyof typeof dtypes]);
    assert.deepEqual(Array.from(back.tensors[k].data), Array.from(v.data), k);
  }
  assert.throws(() => g.io.encodeSafetensors({ h: g.tensor([1, 70000]) }, {}, { dtypes: { h: 'F16' } }), /tensor 'h' \[2\] holds 70000 at index 1, which does not fit F16 \(beyond ±65504\)/);
  assert.throws(() => g.io.encodeSafetensors({ u: g.tensor([3, 256]) }, {}, { dtypes: { u: 'U8' } }), /tensor 'u' \[2\] holds 256 at index 1, which does not fit U8 \(outside \[0, 255\]\)/);
  assert.throws(() => g.io.encodeSafetensors({ i: g.tensor([2.5]) }, {}, { dtypes: { i: 'I64' } }), /holds 2.5000000 at index 0, which does not fit I64 \(not an integer\)/);
  assert.throws(() => g.io.encodeSafetensors({ q: g.tensor([2]) }, {}, { dtypes: { q: 'BOOL' } }), /which does not fit BOOL/);
  assert.throws(() => g.io.encodeSafetensors({ q: g.tensor([2]) }, {}, { dtypes: { q: 'I16' as never } }), /cannot write tensor 'q' as I16/);
  const proto = Object.create(null) as Record<string, Tensor>;
  proto.__proto__ = g.tensor([3, 4]);
  const again = decodeSafetensors(Buffer.concat(g.io.encodeSafetensors(proto)));
  assert.deepEqual(Object.keys(again.tensors), ['__proto__']);
  assert.deepEqual(Array.from(again.tensors.__proto__.data), [3, 4]);
});

test('safetensors headers: non-object, malformed entries and overlapping offsets are named errors', () => {
  assert.throws(() => decodeSafetensors(rawFile([1, 2]), 'a.st'), /the header of a.st must be a JSON object, got an array/);
  assert.throws(() => decodeSafetensors(rawFile('null'), 'a.st'), /must be a JSON object, got null/);
  assert.throws(() => decodeSafetensors(rawFile('7'), 'a.st'), /must be a JSON object, got number/);
  assert.throws(() => decodeSafetensors(rawFile({ x: 5 }), 'a.st'), /tensor 'x' in a.st: its entry must be an object \{dtype, shape, data_offsets\}, got number/);
  assert.throws(() => decodeSafetensors(rawFile({ x: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, Buffer.alloc(4)), 'a.st'), /shape must be an array of non-negative integers, got \[1.5\]/);
  assert.throws(() => decodeSafetensors(rawFile({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, Buffer.alloc(4)), 'a.st'), /data_offsets must be \[begin, end\] with 0 ≤ begin ≤ end, got \[4,0\]/);
  assert.throws(() => decodeSafetensors(rawFile({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4], extra: 1 } }, Buffer.alloc(4)), 'a.st'), /unknown field 'extra'/);
  assert.throws(() => decodeSafetensors(rawFile({ __metadata__: { a: 1 } }), 'a.st'), /__metadata__ entry 'a' in a.st must be a string, got number/);
  const overlap = { a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } };
  assert.throws(() => decodeSafetensors(rawFile(overlap, Buffer.alloc(24)), 'o.st'), /tensors 'a' \[0, 16\] and 'b' \[8, 24\] in o.st overlap/);
});

/** The network of scripts/make_torch_checkpoints.py, in gradlab. */
class Net extends Module {
  bn = new nn.BatchNorm1d(6);
  lstm = new nn.LSTM(6, 8, { numLayers: 2, bidirectional: true });
  encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0 }), 2);
  head = new nn.Linear(16, 3);

  forward(x: Tensor): Tensor {
    const [T, B, F] = x.shape;
    const h = g.reshape(this.bn.forward(g.reshape(x, [T * B, F])), [T, B, F]);
    return this.head.forward(this.encoder.forward(this.lstm.forward(h)));
  }
}

interface NetIO { torch: string; keys: string[]; input: { shape: number[]; data: number[] }; output: { shape: number[]; data: number[] } }

function maxErrors(a: ArrayLike<number>, e: ArrayLike<number>): { abs: number; rel: number } {
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < e.length; i++) { abs = Math.max(abs, Math.abs(a[i] - e[i])); scale = Math.max(scale, Math.abs(e[i])); }
  return { abs, rel: abs / Math.max(scale, 1e-12) };
}

test('a PyTorch BatchNorm + LSTM + transformer checkpoint (torch names, int64 num_batches_tracked) loads strictly and gives PyTorch\'s outputs', () => {
  const io = JSON.parse(readFileSync(join(fixtures, 'checkpoint-net.json'), 'utf8')) as NetIO;
  const file = loadSafetensors(join(fixtures, 'checkpoint-net.safetensors'));
  assert.equal(file.dtypes['bn.num_batches_tracked'], 'I64');
  assert.deepEqual(Object.keys(file.tensors).sort(), [...io.keys].sort());
  const net = new Net();
  assert.deepEqual(Object.keys(net.stateDict({ names: 'torch' })).sort(), [...io.keys].sort(), 'gradlab names the same keys as PyTorch');
  net.loadStateDict(file.tensors);
  net.eval();
  assert.equal(net.bn.numBatchesTracked.data[0], 3);
  const y = g.noGrad(() => net.forward(new Tensor(Float32Array.from(io.input.data), io.input.shape)));
  assert.deepEqual([...y.shape], io.output.shape);
  const err = maxErrors(y.data, io.output.data);
  console.log(`PyTorch ${io.torch} checkpoint → gradlab: max abs error ${err.abs.toExponential(2)}, max error relative to the output scale ${err.rel.toExponential(2)}`);
  assert.ok(err.rel < 1e-5, `outputs differ from PyTorch's by ${err.rel} (relative)`);
  // Explicit naming; a wrong key is still an error that names it.
  const strictNet = new Net();
  strictNet.loadStateDict(file.tensors, { names: 'torch' });
  const renamed = { ...file.tensors, 'bn.running_meen': file.tensors['bn.running_mean'] };
  delete (renamed as Record<string, Tensor>)['bn.running_mean'];
  assert.throws(() => new Net().loadStateDict(renamed), /missing keys: bn.runningMean; unexpected keys: bn.running_meen/);
});

function hasTorch(): boolean {
  if (!existsSync('/usr/bin/python3')) return false;
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

test('a gradlab checkpoint saved with torch names loads strictly in PyTorch and gives gradlab\'s outputs; gradlab\'s F16/BF16/I64/I8/U8/BOOL read in PyTorch', (t) => {
  if (!hasTorch()) {
    t.skip('Debian python3-torch is not installed (/usr/bin/python3 -c "import torch" fails): the PyTorch side of this check needs it');
    return;
  }
  const d = dir();
  const net = new Net();
  // Make the batch-norm statistics and the counter non-trivial.
  g.noGrad(() => { for (let i = 0; i < 2; i++) net.forward(g.randn([5, 3, 6])); });
  net.eval();
  const x = g.randn([5, 3, 6]);
  const y = g.noGrad(() => net.forward(x));
  const stPath = join(d, 'net.safetensors');
  saveSafetensors(stPath, net.stateDict({ names: 'torch' }), {}, { dtypes: (_n, tt) => (tt.dtype === 'int32' ? 'I64' : undefined) });
  const ioPath = join(d, 'io.json');
  writeFileSync(ioPath, JSON.stringify({ input: { shape: x.shape, data: Array.from(x.data) }, output: { shape: y.shape, data: Array.from(y.data) } }));
  const r = JSON.parse(execFileSync('/usr/bin/python3', [script, 'check', stPath, ioPath], { encoding: 'utf8' })) as { torch: string; maxAbsError: number; maxRelError: number; num_batches_tracked: number; dtypes: string[] };
  console.log(`gradlab checkpoint → PyTorch ${r.torch} (load_state_dict strict=True): max abs error ${r.maxAbsError.toExponential(2)}, max error relative to the output scale ${r.maxRelError.toExponential(2)}`);
  assert.equal(r.num_batches_tracked, 2);
  assert.deepEqual(r.dtypes, ['F32', 'I64']);
  assert.ok(r.maxRelError < 1e-5, `PyTorch's outputs differ from gradlab's by ${r.maxRelError} (relative)`);
  // Dtypes gradlab writes, read by PyTorch.
  const expected = JSON.parse(readFileSync(join(fixtures, 'dtypes.json'), 'utf8')) as { tensors: Record<string, { dtype: string; shape: number[]; data: (number | string)[] }> };
  const src = loadSafetensors(join(fixtures, 'dtypes.safetensors'));
  const dtPath = join(d, 'dtypes.safetensors');
  saveSafetensors(dtPath, src.tensors, {}, { dtypes: src.dtypes });
  const dr = JSON.parse(execFileSync('/usr/bin/python3', [script, 'check-dtypes', dtPath, join(fixtures, 'dtypes.json')], { encoding: 'utf8' })) as { checked: number; problems: string[] };
  assert.deepEqual(dr.problems, []);
  assert.equal(dr.checked, Object.keys(expected.tensors).length);
});
