// Vanilla (tanh) RNN pointwise steps. Contracts: org.rnn4j.compute.Compute; launch parameters:
// org.rnn4j.cuda.Kernel. Pointers arrive already offset. Every thread reads all its inputs before it writes
// and touches only its own element, so an output may alias an input of the same shape (the contracts need
// pre == h_out and da == dh).
#include "common.cuh"

// h_out (N,H) = tanh(pre (N,H) + b (H)). pre and h_out may be the same buffer.
// CPU twin: CpuKernels.rnnForwardPointwise.
extern "C" __global__ void rnn_forward_pointwise(int n, int h, const float* pre, const float* b, float* h_out) {
    const rnn4j_index count = (rnn4j_index) n * h;
    for (rnn4j_index e = rnn4j_first(); e < count; e += rnn4j_stride()) {
        h_out[e] = rnn4j_tanh(pre[e] + b[e % h]);
    }
}

// da (N,H) = (1 - h_t^2) * (dh + dh_rec): tanh's derivative taken from its output. da may alias dh.
// CPU twin: CpuKernels.rnnBackwardPointwise.
extern "C" __global__ void rnn_backward_pointwise(int n, int h, const float* h_t, const float* dh,
                                                  const float* dh_rec, float* da) {
    const rnn4j_index count = (rnn4j_index) n * h;
    for (rnn4j_index e = rnn4j_first(); e < count; e += rnn4j_stride()) {
        const float y = h_t[e];
        const float grad = dh[e] + dh_rec[e];
        da[e] = (1.0f - y * y) * grad;
    }
}
