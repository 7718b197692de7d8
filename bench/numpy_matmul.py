#!/usr/bin/env python3
"""Baseline for bench/matmul.ts: numpy float32 square matmul (OpenBLAS sgemm where numpy links it).

Usage: numpy_matmul.py THREADS SIZES TARGET_MS, e.g. `numpy_matmul.py 2 256,512,1024 300`.
The caller sets OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS=THREADS in the environment
(read when the BLAS loads); threadpoolctl also limits the pool when it is installed. Output buffers are
reused (out=), as the native side reuses its. Prints one JSON line: {"threads", "gflops": {size: GFLOP/s}}.
"""
import json
import sys
import time

import numpy as np

threads, sizes, target_ms = int(sys.argv[1]), [int(s) for s in sys.argv[2].split(",")], float(sys.argv[3])
try:
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)
    how = "threadpoolctl + env"
except ImportError:
    how = "env"

rng = np.random.default_rng(0)
res = {}
for n in sizes:
    a = rng.random((n, n), dtype=np.float32) - 0.5
    b = rng.random((n, n), dtype=np.float32) - 0.5
    c = np.empty((n, n), dtype=np.float32)
    for _ in range(2):
        np.matmul(a, b, out=c)
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start) * 1000 < target_ms:
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        times.append(time.perf_counter() - t0)
    times.sort()
    res[str(n)] = 2 * n**3 / times[len(times) // 2] / 1e9
print(json.dumps({"threads": threads, "how": how, "gflops": res}))
