"""numpy's OpenBLAS sgemm as the GEMM ceiling of `npm run bench` (bench/run.ts): the line protocol
of torch_bench.py, W1-256/512/1024 only (anything else: 'unsupported'). Threads: argv[1], given
to OpenBLAS through OPENBLAS_NUM_THREADS by run.ts (which also unsets OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE for this process only)."""
import sys, time
import numpy as np

GEMM_REPEATS = {256: 8, 512: 2, 1024: 1}
rng = np.random.default_rng(0)
cache = {}
print('ready', flush=True)
for line in sys.stdin:
    name = line.strip()
    if not name:
        continue
    if not name.startswith('W1-'):
        print('unsupported', flush=True)
        continue
    n = int(name[3:])
    if n not in cache:
        cache[n] = (rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32), np.empty((n, n), dtype=np.float32))
    a, b, out = cache[n]
    t = time.perf_counter()
    for _ in range(GEMM_REPEATS[n]):
        np.matmul(a, b, out=out)
    print((time.perf_counter() - t) * 1000, flush=True)
