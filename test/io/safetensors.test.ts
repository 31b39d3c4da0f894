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
  assert.throws(() => decodeSafetensors(Buffer.concat([len, head, Buffer.alloc(12)]), 'x.st'), /tensor 'x' in x.st has offsets \[0, 12\] that do not fit shape \[4\] F32/);
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
