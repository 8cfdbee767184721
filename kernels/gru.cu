// GRU pointwise steps (PyTorch's formulation). Gate order along 3H: r, z, n; row r of gates/gh/dax/dah is
// [r | z | n], each H wide. Contracts: org.rnn4j.compute.Compute; launch parameters: org.rnn4j.cuda.Kernel.
// Pointers arrive already offset. One thread per (row, hidden unit): it reads every input of its unit before it
// writes, and writes only its own unit's positions, which is what makes the in-place contracts (gates overwritten
// by forward, dh_rec by backward) safe under any grid.
#include "common.cuh"

// gates (N,3H): x*Wx on entry, the activations [r z n] on exit (in place; backward reads them). gh (N,3H) =
// h_prev*Wh, read only. bx, bh (3H): PyTorch's bias_ih and bias_hh, kept apart because r scales the hidden part
// of n with its bias:
//   r = sigmoid(gx_r + bx_r + gh_r + bh_r)   z likewise   hn = gh_n + bh_n (written, for backward)
//   n = tanh(gx_n + bx_n + r*hn)             h_out = (1-z)*n + z*h_prev
// CPU twin: CpuKernels.gruForwardPointwise.
extern "C" __global__ void gru_forward_pointwise(int n, int h, float* gates, const float* gh, const float* bx,
                                                 const float* bh, const float* h_prev, float* hn, float* h_out) {
    const rnn4j_index count = (rnn4j_index) n * h;
    for (rnn4j_index e = rnn4j_first(); e < count; e += rnn4j_stride()) {
        const rnn4j_index r = e / h, j = e % h;
        float* row = gates + r * 3 * h;
        const float* hrow = gh + r * 3 * h;
        const float rg = rnn4j_sigmoid((row[j] + bx[j]) + (hrow[j] + bh[j]));
        const float z = rnn4j_sigmoid((row[h + j] + bx[h + j]) + (hrow[h + j] + bh[h + j]));
        const float hidden = hrow[2 * h + j] + bh[2 * h + j];
        const float nn = rnn4j_tanh((row[2 * h + j] + bx[2 * h + j]) + rg * hidden);
        const float hp = h_prev[e];
        row[j] = rg;
        row[h + j] = z;
        row[2 * h + j] = nn;
        hn[e] = hidden;
        h_out[e] = (1.0f - z) * nn + z * hp;
    }
}

// Backward through one step, from the activations [r z n] (N,3H) and hn (N,H) left by forward and h_prev (N,H).
// dh is this step's upstream gradient; dh_rec (N,H) holds the gradient from step t+1 on entry and the direct part
// of dPrevH, dh_tot*z, on exit (in place; the host adds dah*Wh^T). With dh_tot = dh + dh_rec:
//   da_n = dh_tot*(1-z)*(1-n^2)   da_z = dh_tot*(h_prev-n)*z(1-z)   da_r = da_n*hn*r(1-r)
//   dax = [da_r da_z da_n] (gradient of x*Wx + bx)   dah = [da_r da_z da_n*r] (gradient of h_prev*Wh + bh)
// CPU twin: CpuKernels.gruBackwardPointwise.
extern "C" __global__ void gru_backward_pointwise(int n, int h, const float* gates, const float* hn,
                                                  const float* h_prev, const float* dh, float* dh_rec,
                                                  float* dax, float* dah) {
    const rnn4j_index count = (rnn4j_index) n * h;
    for (rnn4j_index e = rnn4j_first(); e < count; e += rnn4j_stride()) {
        const rnn4j_index r = e / h, j = e % h;
        const float* row = gates + r * 3 * h;
        const float rg = row[j], z = row[h + j], nn = row[2 * h + j];
        const float dh_tot = dh[e] + dh_rec[e];
        const float dan = dh_tot * (1.0f - z) * (1.0f - nn * nn);
        const float daz = dh_tot * (h_prev[e] - nn) * z * (1.0f - z);
        const float dar = dan * hn[e] * rg * (1.0f - rg);
        float* ox = dax + r * 3 * h;
        float* oh = dah + r * 3 * h;
        ox[j] = dar;
        ox[h + j] = daz;
        ox[2 * h + j] = dan;
        oh[j] = dar;
        oh[h + j] = daz;
        oh[2 * h + j] = dan * rg;
        dh_rec[e] = dh_tot * z;
    }
}
