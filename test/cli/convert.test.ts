/** `gradlab convert <in> <out> --names torch|gradlab`: PyTorch's checkpoint to gradlab's names and back, gradlab checkpoints, bad input. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { registerConvert } from '../../src/cli/convert.js';
import { loadSafetensors, saveCheckpoint } from '../../src/io/index.js';
import { BatchNorm1d, LSTM, Linear, Sequential } from '../../src/nn/index.js';
import { Adam } from '../../src/optim/index.js';
import { randn } from '../../src/tensor/creation.js';
import { runCli } from '../cli-helpers.js';

const gradlab = (args: string[]): Promise<string> => runCli(registerConvert, args);
const fixture = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'test', 'fixtures', 'torch', 'checkpoint-net.safetensors');

test('convert a PyTorch checkpoint to gradlab names and back: same tensors, I64 kept, keys as torch wrote them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-cli-convert-'));
  const g = join(dir, 'net-gradlab.safetensors');
  const said = await gradlab(['convert', fixture, g, '--names', 'gradlab']);
  const src = loadSafetensors(fixture);
  const n = Object.keys(src.tensors).length;
  assert.match(said, new RegExp(`^wrote ${g.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ${n} tensors with gradlab names \\(\\d+ renamed\\)\n$`));
  const mid = loadSafetensors(g);
  assert.ok('bn.runningMean' in mid.tensors && 'lstm.weightIhL0Reverse' in mid.tensors && 'encoder.layers.1.selfAttn.inProjWeight' in mid.tensors);
  assert.equal(mid.dtypes['bn.numBatchesTracked'], 'I64');
  const back = join(dir, 'net-torch.safetensors');
  await gradlab(['convert', g, back, '--names', 'torch']);
  const again = loadSafetensors(back);
  assert.deepEqual(Object.keys(again.tensors).sort(), Object.keys(src.tensors).sort());
  for (const [k, t] of Object.entries(src.tensors)) {
    assert.deepEqual(Array.from(again.tensors[k].data), Array.from(t.data), k);
    assert.equal(again.dtypes[k], src.dtypes[k], k);
  }
});

test('convert a gradlab checkpoint to torch names: the model state, int32 as I64, and a line saying the optimizer state is left out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-cli-convert-'));
  const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
  const opt = new Adam(model.parameters());
  model.forward(randn([5, 3])).sum().backward();
  opt.step();
  const ck = join(dir, 'ck.safetensors');
  saveCheckpoint(ck, model, opt, { epoch: 1 });
  const out = join(dir, 'torch.safetensors');
  const said = await gradlab(['convert', ck, out, '--names', 'torch']);
  assert.match(said, /left out \d+ optimizer tensors: .* is a gradlab checkpoint and only its model state has a PyTorch form/);
  const f = loadSafetensors(out);
  assert.deepEqual(Object.keys(f.tensors).sort(), ['0.bias', '0.weight', '1.bias', '1.num_batches_tracked', '1.running_mean', '1.running_var', '1.weight']);
  assert.equal(f.dtypes['1.num_batches_tracked'], 'I64');
  assert.equal(f.metadata.names, 'torch');
  const lstm = new LSTM(2, 3);
  lstm.loadStateDict(lstm.stateDict({ names: 'torch' }));
});

test('convert: --names is required and checked; a missing input is named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-cli-convert-'));
  await assert.rejects(gradlab(['convert', fixture, join(dir, 'x.safetensors')]), /required option '--names <naming>' not specified/);
  await assert.rejects(gradlab(['convert', fixture, join(dir, 'x.safetensors'), '--names', 'keras']), /Allowed choices are torch, gradlab/);
  await assert.rejects(gradlab(['convert', join(dir, 'nope.safetensors'), join(dir, 'x.safetensors'), '--names', 'torch']), /safetensors: no file at .*nope.safetensors/);
});
