/**
 * TensorFlow.js side of `npm run bench`, run as a child process per backend ('wasm' or 'cpu'):
 * reads one workload name per line on stdin, runs it once, prints the milliseconds, or
 * 'unsupported: <reason>' when TF.js cannot run it (e.g. its wasm backend has no
 * Conv2DBackpropFilter). Same synthetic data as bench/data.ts.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { CNN, GEMM_REPEATS, MLP, SEEDS, SEQ, ints, uniform } from './data.js';

type Runner = () => void;

function gemm(n: number): Runner {
  const a = tf.tensor2d(uniform(n * n, SEEDS.gemmA), [n, n]);
  const b = tf.tensor2d(uniform(n * n, SEEDS.gemmB), [n, n]);
  const reps = GEMM_REPEATS[n] ?? 1;
  return () => {
    for (let r = 0; r < reps; r++) { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); }
  };
}

/** One optimizer step on the model's trainable variables only (a frozen embedding gets no gradient). */
function train(model: tf.LayersModel | tf.Sequential, opt: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): number {
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, vars);
  const v = loss ? loss.dataSync()[0] : NaN;
  loss?.dispose();
  return v;
}

function mlp(): Runner {
  const { samples, inFeatures, hidden, classes, batch } = MLP;
  const X = uniform(samples * inFeatures, SEEDS.mlpX);
  const Y = ints(samples, classes, SEEDS.mlpY);
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [inFeatures], units: hidden, activation: 'relu' }),
    tf.layers.dense({ units: hidden, activation: 'relu' }), tf.layers.dense({ units: hidden, activation: 'relu' }),
    tf.layers.dense({ units: classes }),
  ] });
  const opt = tf.train.adam(1e-3);
  const batches: [tf.Tensor, tf.Tensor][] = [];
  for (let i = 0; i < samples; i += batch) {
    const b = Math.min(batch, samples - i);
    batches.push([tf.tensor2d(X.slice(i * inFeatures, (i + b) * inFeatures), [b, inFeatures]), tf.oneHot(tf.tensor1d(Y.slice(i, i + b), 'int32'), classes)]);
  }
  return () => { for (const [x, y] of batches) train(model, opt, x, y); };
}

function cnn(): Runner {
  const x = tf.tensor4d(uniform(CNN.batch * 784, SEEDS.cnnX), [CNN.batch, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(ints(CNN.batch, 10, SEEDS.cnnY), 'int32'), 10);
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 64, kernelSize: 5, activation: 'relu' }), tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(), tf.layers.dense({ units: 100, activation: 'relu' }), tf.layers.dense({ units: 10 }),
  ] });
  const opt = tf.train.sgd(0.01);
  return () => { train(model, opt, x, y); };
}

function lstm(frozen: boolean): Runner {
  const B = SEQ.lstmBatch;
  const x = tf.tensor2d(ints(B * SEQ.length, SEQ.vocab, SEEDS.seqX), [B, SEQ.length], 'int32');
  const y = tf.oneHot(tf.tensor1d(ints(B, 2, SEEDS.seqY), 'int32'), 2);
  const model = tf.sequential({ layers: [
    tf.layers.embedding({ inputDim: SEQ.vocab, outputDim: SEQ.embed, inputLength: SEQ.length, trainable: !frozen }),
    tf.layers.lstm({ units: SEQ.hidden }), tf.layers.dense({ units: 2 }),
  ] });
  const opt = tf.train.adam(1e-3);
  return () => { train(model, opt, x, y); };
}

const MAKERS: Record<string, () => Runner> = {
  'W1-256': () => gemm(256), 'W1-512': () => gemm(512), 'W1-1024': () => gemm(1024),
  W2: mlp, W3: cnn, W5: () => lstm(false), W5F: () => lstm(true),
};

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'cpu';
  if (which === 'wasm') {
    const require = createRequire(import.meta.url);
    setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
  }
  if (!(await tf.setBackend(which))) throw new Error(`tfjs-server: backend '${which}' did not start`);
  await tf.ready();
  const cache = new Map<string, Runner | string>();
  console.log('ready');
  for await (const line of createInterface({ input: process.stdin })) {
    const name = line.trim();
    if (!name) continue;
    let r = cache.get(name);
    if (r === undefined) {
      const make = MAKERS[name];
      try {
        r = make ? make() : 'unsupported: not implemented in the TF.js bench (no built-in layer)';
      } catch (e) {
        r = `unsupported: ${(e as Error).message.split('\n')[0]}`;
      }
      cache.set(name, r);
    }
    if (typeof r === 'string') { console.log(r); continue; }
    try {
      const t0 = performance.now();
      r();
      console.log(String(performance.now() - t0));
    } catch (e) {
      const msg = `unsupported: ${(e as Error).message.split('\n')[0]}`;
      cache.set(name, msg);
      console.log(msg);
    }
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
