// Shared device helpers for the rnn4j kernels. Included by every kernels/*.cu file; compiled by nvcc for the
// shipped PTX and by g++ (through kernels/host/cuda_host.h) for the host emulation used in CI.
#ifndef RNN4J_COMMON_CUH
#define RNN4J_COMMON_CUH

// Index type for element loops: n*4h of a large batch can pass 2^31, so indices are 64-bit even though the
// launch parameters are int (as in Kernel.java).
typedef long long rnn4j_index;

// First element this thread handles and the stride to its next one. Every kernel loops
//   for (i = first; i < count; i += stride)
// so any 1-D grid covers all elements (a small grid just loops more) and no thread is ever out of range.
__device__ __forceinline__ rnn4j_index rnn4j_first() {
    return (rnn4j_index) blockIdx.x * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ rnn4j_index rnn4j_stride() {
    return (rnn4j_index) gridDim.x * blockDim.x;
}

// Accurate expf (not __expf) keeps results within float32 rounding of the float64 reference. The branch keeps
// expf's argument <= 0, so it never overflows to inf for large |x|: sigmoid(-1e4) is exactly 0, sigmoid(1e4)
// exactly 1, with no inf/inf on the way. CPU twin: CpuKernels.sigmoid.
__device__ __forceinline__ float rnn4j_sigmoid(float x) {
    if (x >= 0.0f) {
        return 1.0f / (1.0f + expf(-x));
    }
    float e = expf(x);
    return e / (1.0f + e);
}

// Accurate tanhf (saturates to +-1 by itself). CPU twin: CpuKernels.tanh.
__device__ __forceinline__ float rnn4j_tanh(float x) {
    return tanhf(x);
}

#endif
