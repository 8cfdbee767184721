// Kernels for the language-model layers and training (org.rnn4j.nn, org.rnn4j.train).
// Every kernel: extern "C" so the PTX entry is the plain name; 1-D grid-stride loop unless it says otherwise,
// so any grid is correct; no atomics, so results are deterministic. Index arrays are floats holding integers
// (the Java side validates them: integral, in range). Each kernel names its CPU twin in
// native-fallback/.../CpuKernels.java; contracts are in org.rnn4j.internal.Compute.
// Parameter lists must match src/main/java/org/rnn4j/cuda/Kernel.java exactly.

#define SUM_LANES 256
#define SUM_CHUNK (4 * SUM_LANES)

// out (rows,v) = one-hot of idx (rows). Twin: CpuKernels.oneHot.
extern "C" __global__ void one_hot(int rows, int v, const float* idx, float* out) {
    long long total = (long long) rows * v;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < total;
         e += (long long) gridDim.x * blockDim.x) {
        int r = (int) (e / v), j = (int) (e % v);
        out[e] = ((int) idx[r] == j) ? 1.0f : 0.0f;
    }
}

// out (rows,d) row r = table[idx[r], :]. Twin: CpuKernels.gatherRows.
extern "C" __global__ void gather_rows(int rows, int d, const float* idx, const float* table, float* out) {
    long long total = (long long) rows * d;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < total;
         e += (long long) gridDim.x * blockDim.x) {
        int r = (int) (e / d), j = (int) (e % d);
        out[e] = table[(long long) (int) idx[r] * d + j];
    }
}

// One thread per row (grid-stride over rows): loss_rows[r] = mask[r]*(logsumexp(s[r,:]) - s[r,y[r]]),
// dscores[r,j] = scale*mask[r]*(softmax(s[r,:])[j] - [j==y[r]]). dscores may alias scores: each thread
// reads an element of its own row before writing it. Twin: CpuKernels.softmaxCrossEntropy.
extern "C" __global__ void softmax_cross_entropy(int rows, int v, float scale, const float* scores,
                                                 const float* y, const float* mask, float* loss_rows,
                                                 float* dscores) {
    for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += gridDim.x * blockDim.x) {
        const float* s = scores + (long long) r * v;
        float* d = dscores + (long long) r * v;
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

// Halving fold of the 256 lane sums in shared memory, the same float additions as CpuKernels.fold.
__device__ static float fold_lanes(float* lane) {
    for (int stride = SUM_LANES / 2; stride > 0; stride >>= 1) {
        __syncthreads();
        if (threadIdx.x < stride) lane[threadIdx.x] = __fadd_rn(lane[threadIdx.x], lane[threadIdx.x + stride]);
    }
    __syncthreads();
    return lane[0];
}

// First pass of the deterministic sum. Launch with blockDim.x == 256 exactly (any number of blocks; blocks
// stride over chunks of 1024 floats). partial[c] = sum over chunk c of x (x^2 if squared != 0): lane t adds
// elements t, t+256, t+512, t+768 in that order, then the lanes fold by halving. __fadd_rn/__fmul_rn keep
// the compiler from fusing into FMAs, so the bits equal the CPU twin's. Twin: CpuKernels.sumPartial.
extern "C" __global__ void sum_partial(int n, int squared, const float* x, float* partial) {
    __shared__ float lane[SUM_LANES];
    int chunks = (n + SUM_CHUNK - 1) / SUM_CHUNK;
    for (int c = blockIdx.x; c < chunks; c += gridDim.x) {
        float acc = 0.0f;
        for (int k = 0; k < 4; k++) {
            long long i = (long long) c * SUM_CHUNK + k * SUM_LANES + threadIdx.x;
            if (i < n) {
                float xi = x[i];
                acc = __fadd_rn(acc, squared ? __fmul_rn(xi, xi) : xi);
            }
        }
        lane[threadIdx.x] = acc;
        float total = fold_lanes(lane);
        if (threadIdx.x == 0) partial[c] = total;
        __syncthreads();   // lane[] is reused by the next chunk
    }
}

// Second pass: out[0] = sum of partial (m). Launch ONE block of exactly 256 threads. Lane t adds
// partial[t + 256k] for k ascending, then the lanes fold. Twin: CpuKernels.sumPartials.
extern "C" __global__ void sum_partials(int m, const float* partial, float* out) {
    __shared__ float lane[SUM_LANES];
    float acc = 0.0f;
    for (int i = threadIdx.x; i < m; i += SUM_LANES) acc = __fadd_rn(acc, partial[i]);
    lane[threadIdx.x] = acc;
    float total = fold_lanes(lane);
    if (threadIdx.x == 0) out[0] = total;
}

// x *= alpha in place. Twin: CpuKernels.scale.
extern "C" __global__ void scale_inplace(int n, float alpha, float* x) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) x[i] *= alpha;
}

// One fused Adam step, in place on param, m, v; bias1 = 1-beta1^t, bias2 = 1-beta2^t from the host.
// Twin: CpuKernels.adamUpdate.
extern "C" __global__ void adam_update(int n, float lr, float beta1, float beta2, float eps, float bias1,
                                       float bias2, float* param, const float* grad, float* m, float* v) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        float g = grad[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        param[i] -= lr * (mi / bias1) / (sqrtf(vi / bias2) + eps);
    }
}
