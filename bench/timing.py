"""Shared timer for the Python side of compare_cpu.sh: warm-up, then the median of repeats, in milliseconds."""
import time


def median_ms(fn, repeats):
    start = time.perf_counter()
    i = 0
    while i < 3 or (i < 10 and time.perf_counter() - start < 1.0):
        fn()
        i += 1
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    return ts[len(ts) // 2]
