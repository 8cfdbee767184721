"""numpy (its BLAS) float32 C = A·B at M,N,K: CSV line like BenchMain's gemm, then the BLAS in use on stderr."""
import sys

import numpy as np

from timing import median_ms

m, n, k, reps = (int(v) for v in sys.argv[1:5])
r = np.random.default_rng(3)
a = r.uniform(-1, 1, (m, k)).astype(np.float32)
b = r.uniform(-1, 1, (k, n)).astype(np.float32)
c = np.empty((m, n), dtype=np.float32)
ms = median_ms(lambda: np.matmul(a, b, out=c), reps)
print(f"numpy,gemm,{m},{n},{k},0,gemm,{ms:.4f},{2.0 * m * n * k / ms / 1e6:.1f}")
try:
    import threadpoolctl
    for info in threadpoolctl.threadpool_info():
        if info.get("user_api") == "blas":
            print(f"# numpy BLAS: {info.get('internal_api')} {info.get('version')} "
                  f"kernel={info.get('architecture')} threads={info.get('num_threads')}", file=sys.stderr)
except ImportError:
    print("# numpy BLAS: threadpoolctl missing", file=sys.stderr)
