/** Test helper: writes the same checkpoint file over and over until killed. */
import { Tensor } from '../../src/tensor/tensor.js';
import { saveSafetensors } from '../../src/io/safetensors.js';

const path = process.argv[2];
const data = new Float32Array(2_000_000);
for (let round = 1; ; round++) {
  data.fill(round);
  saveSafetensors(path, { w: new Tensor(data, [data.length]) }, { round: String(round) });
  if (round === 1) process.send?.('first');
  await new Promise((r) => setImmediate(r));
}
