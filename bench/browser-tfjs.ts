/**
 * bench/browser.ts's TF.js side in the browser (bundled with esbuild by the bench script): the
 * same W2 (MLP epoch, the data of bench/data.ts) on TF.js's wasm backend, in a module worker.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { MLP, SEEDS, ints, uniform } from './data.js';

const scope = globalThis as unknown as { onmessage: ((e: { data: { threads: number; reps: number } }) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e) => {
  void (async () => {
    setWasmPaths('/tfjs/');
    setThreadsCount(e.data.threads);
    await tf.setBackend('wasm');
    await tf.ready();
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
    const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const epoch = (): void => {
      for (const [x, y] of batches) {
        const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, vars);
        loss?.dataSync();
        loss?.dispose();
      }
    };
    epoch();
    const ms: number[] = [];
    for (let i = 0; i < e.data.reps; i++) {
      const t0 = performance.now();
      epoch();
      ms.push(performance.now() - t0);
    }
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    scope.postMessage({ ms, note: `TF.js ${tf.version.tfjs} ${tf.getBackend()}, ${e.data.threads} threads asked, ${getThreadsCount()} running, SIMD ${String(simd)}, multithread ${String(mt)}, crossOriginIsolated ${String((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated)}` });
  })().catch((err: unknown) => scope.postMessage({ error: String(err) }));
};
