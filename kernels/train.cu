// Kernels for the language-model layers and training (org.rnn4j.nn, org.rnn4j.train).
// Every kernel: extern "C" so the PTX entry is the plain name; 1-D grid-stride loop unless it says otherwise,
// so any grid is correct; no atomics, so results are deterministic. Index arrays are floats holding integers
// (the Java side validates them: integral, in range). Each kernel names its CPU twin in
// native-fallback/.../CpuKernels.java; contracts are in org.rnn4j.compute.Compute.
// Parameter lists must match src/main/java/org/rnn4j/cuda/Kernel.java exactly.
#include "common.cuh"

// out (rows,v) = one-hot of idx (rows). Twin: CpuKernels.oneHot.
extern "C" __global__ void one_hot(int rows, int v, const float* idx, float* out) {
    rnn4j_index total = (rnn4j_index) rows * v;
    for (rnn4j_index e = rnn4j_first(); e < total; e += rnn4j_stride()) {
        int r = (int) (e / v), j = (int) (e % v);
        out[e] = ((int) idx[r] == j) ? 1.0f : 0.0f;
    }
}

// out (rows,d) row r = table[idx[r], :]. Twin: CpuKernels.gatherRows.
extern "C" __global__ void gather_rows(int rows, int d, const float* idx, const float* table, float* out) {
    rnn4j_index total = (rnn4j_index) rows * d;
    for (rnn4j_index e = rnn4j_first(); e < total; e += rnn4j_stride()) {
        int r = (int) (e / d), j = (int) (e % d);
        out[e] = table[(rnn4j_index) (int) idx[r] * d + j];
    }
}

// One thread per row (grid-stride over rows): loss_rows[r] = mask[r]*(logsumexp(s[r,:]) - s[r,y[r]]),
// dscores[r,j] = scale*mask[r]*(softmax(s[r,:])[j] - [j==y[r]]). dscores may alias scores: each thread
// reads an element of its own row before writing it. Twin: CpuKernels.softmaxCrossEntropy.
extern "C" __global__ void softmax_cross_entropy(int rows, int v, float scale, const float* scores,
                                                 const float* y, const float* mask, float* loss_rows,
                                                 float* dscores) {
    for (rnn4j_index r = rnn4j_first(); r < rows; r += rnn4j_stride()) {
        const float* s = scores + r * v;
        float* d = dscores + r * v;
        int label = (int) y[r];
        float mx = s[0];
        for (int j = 1; j < v; j++) mx = fmaxf(mx, s[j]);
        float z = 0.0f;
        for (int j = 0; j < v; j++) z += expf(s[j] - mx);
        float w = mask[r];
        loss_rows[r] = w * (logf(z) + mx - s[label]);
        float k = scale * w;
        for (int j = 0; j < v; j++) {
            float p = expf(s[j] - mx) / z;
            d[j] = k * (j == label ? p - 1.0f : p);
        }
    }
}

// One pass of the deterministic sum: out[l] = sum over k ascending of f(x[l + k*lanes]), f = square when
// squared != 0, one thread per lane (grid-stride over lanes, so any grid). A lane's order depends on its index
// only; __fadd_rn/__fmul_rn keep the compiler from fusing into FMAs, so the bits equal the CPU twin's.
// Compute.sum runs it three times: lanes = 4096 over x (adjacent threads read adjacent floats: coalesced),
// 64 over those partials, then 1. No shared memory, no atomics. Twin: CpuKernels.sumLanes.
extern "C" __global__ void sum_lanes(int n, int lanes, int squared, const float* x, float* out) {
    for (rnn4j_index l = rnn4j_first(); l < lanes; l += rnn4j_stride()) {
        float acc = 0.0f;
        for (rnn4j_index i = l; i < n; i += lanes) {
            float xi = x[i];
            acc = __fadd_rn(acc, squared ? __fmul_rn(xi, xi) : xi);
        }
        out[l] = acc;
    }
}

// x *= alpha in place. Twin: CpuKernels.scale.
extern "C" __global__ void scale_inplace(int n, float alpha, float* x) {
    for (rnn4j_index i = rnn4j_first(); i < n; i += rnn4j_stride()) x[i] *= alpha;
}

// One fused Adam step, in place on param, m, v; bias1 = 1-beta1^t, bias2 = 1-beta2^t from the host.
// Twin: CpuKernels.adamUpdate.
extern "C" __global__ void adam_update(int n, float lr, float beta1, float beta2, float eps, float bias1,
                                       float bias2, float* param, const float* grad, float* m, float* v) {
    for (rnn4j_index i = rnn4j_first(); i < n; i += rnn4j_stride()) {
        float g = grad[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        param[i] -= lr * (mi / bias1) / (sqrtf(vi / bias2) + eps);
    }
}
