// Layout kernels the cells use around the GEMMs: batch-major <-> time-major and the bias-gradient reduction.
// Contracts: org.rnn4j.internal.Compute; launch parameters: org.rnn4j.cuda.Kernel. Pointers arrive already
// offset.
#include "common.cuh"

// dst (d1,d0,d2) = src (d0,d1,d2): the first two axes swapped ((N,T,C) <-> (T,N,C)). One thread per element,
// indexed by source position so consecutive threads read consecutive floats (and write runs of d2).
// src and dst do not overlap. CPU twin: CpuKernels.swapAxes01.
extern "C" __global__ void swap_axes01(int d0, int d1, int d2, const float* src, float* dst) {
    const rnn4j_index count = (rnn4j_index) d0 * d1 * d2;
    for (rnn4j_index e = rnn4j_first(); e < count; e += rnn4j_stride()) {
        const rnn4j_index k = e % d2, rest = e / d2;
        const rnn4j_index b = rest % d1, a = rest / d1;
        dst[(b * d0 + a) * d2 + k] = src[e];
    }
}

// out[j] = sum over rows r of a[r, j], a (rows, cols) row-major. One thread per column adds its rows in
// ascending order: no atomics and a fixed order, so reruns are bit-identical (and equal to the CPU twin, which
// adds in the same order). Consecutive threads read consecutive columns of a row, so loads coalesce.
// CPU twin: CpuKernels.columnSum.
extern "C" __global__ void column_sum(int rows, int cols, const float* a, float* out) {
    for (rnn4j_index j = rnn4j_first(); j < cols; j += rnn4j_stride()) {
        float s = 0.0f;
        for (rnn4j_index r = 0; r < rows; r++) {
            s += a[r * cols + j];
        }
        out[j] = s;
    }
}
