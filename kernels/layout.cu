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

// One level of the bias-gradient reduction: rows are cut into chunks of `chunk` consecutive rows and
// out[c, j] = sum of a[r, j] over the rows r of chunk c, added in ascending order from 0.0f. out is
// (ceil(rows/chunk), cols). One thread per (chunk, column), so a (3200, 2048) gradient keeps 100k threads busy
// with 64 loads each instead of 2048 threads with 3200; consecutive threads read consecutive columns of a row,
// so loads coalesce. Compute.columnSum applies it level by level (chunk Compute.COLUMN_SUM_CHUNK, then one
// chunk over the partial sums): a fixed tree whose shape depends only on rows, so reruns are bit-identical and
// equal to the CPU twin, which adds the same floats in the same order. CPU twin: CpuKernels.columnSumChunks.
extern "C" __global__ void column_sum(int rows, int cols, int chunk, const float* a, float* out) {
    const rnn4j_index chunks = ((rnn4j_index) rows + chunk - 1) / chunk;
    const rnn4j_index count = chunks * cols;
    for (rnn4j_index e = rnn4j_first(); e < count; e += rnn4j_stride()) {
        const rnn4j_index j = e % cols, c = e / cols;
        const rnn4j_index r0 = c * chunk;
        const rnn4j_index r1 = r0 + chunk < rows ? r0 + chunk : (rnn4j_index) rows;
        float s = 0.0f;
        for (rnn4j_index r = r0; r < r1; r++) {
            s += a[r * cols + j];
        }
        out[e] = s;
    }
}
