/** Reference batched matrix product in the four transpose layouts backward needs. */
import type { FloatData, MatmulSpec } from '../backend.js';

export function matmul(a: FloatData, b: FloatData, out: FloatData, s: MatmulSpec): void {
  const { batch, m, k, n, transA, transB, strideA, strideB } = s;
  out.fill(0, 0, batch * m * n);
  for (let bt = 0; bt < batch; bt++) {
    const ao = bt * strideA;
    const bo = bt * strideB;
    const oo = bt * m * n;
    if (!transB) {
      // out[i, :] += A(i, p) * B[p, :]  (inner loop contiguous in B and out)
      for (let i = 0; i < m; i++) {
        const orow = oo + i * n;
        for (let p = 0; p < k; p++) {
          const aip = transA ? a[ao + p * m + i] : a[ao + i * k + p];
          const brow = bo + p * n;
          for (let j = 0; j < n; j++) out[orow + j] += aip * b[brow + j];
        }
      }
    } else {
      // B stored n×k: out[i, j] = Σ_p A(i, p) · b[j, p]  (a dot product per entry)
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          const brow = bo + j * k;
          if (!transA) {
            const arow = ao + i * k;
            for (let p = 0; p < k; p++) acc += a[arow + p] * b[brow + p];
          } else {
            for (let p = 0; p < k; p++) acc += a[ao + p * m + i] * b[brow + p];
          }
          out[oo + i * n + j] = acc;
        }
      }
    }
  }
}
