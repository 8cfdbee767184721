// LSTM pointwise steps. Gate order along 4H: i, f, o, g; row r of gates/da is [i | f | o | g], each H wide.
// Contracts: org.rnn4j.compute.Compute; launch parameters: org.rnn4j.cuda.Kernel. Pointers arrive already
// offset. One thread per (row, hidden unit): it reads all four gates of its unit and every other input
// before it writes, and writes only its own unit's positions, which is what makes the in-place contracts
// (gates overwritten by forward, dc by backward) safe under any grid.
#include "common.cuh"

// gates (N,4H): pre-activations x*Wx + h_prev*Wh on entry; bias b (4H) added and the activated gates
// [sigmoid(i) sigmoid(f) sigmoid(o) tanh(g)] written back in place (backward reads them from there).
// c (N,H) = f*c_prev + i*g; h_out (N,H) = o*tanh(c).
// CPU twin: CpuKernels.lstmForwardPointwise.
extern "C" __global__ void lstm_forward_pointwise(int n, int h, float* gates, const float* b, const float* c_prev,
                                                  float* c, float* h_out) {
    const rnn4j_index count = (rnn4j_index) n * h;
    for (rnn4j_index e = rnn4j_first(); e < count; e += rnn4j_stride()) {
        const rnn4j_index r = e / h, j = e % h;
        float* row = gates + r * 4 * h;
        const float i = rnn4j_sigmoid(row[j] + b[j]);
        const float f = rnn4j_sigmoid(row[h + j] + b[h + j]);
        const float o = rnn4j_sigmoid(row[2 * h + j] + b[2 * h + j]);
        const float g = rnn4j_tanh(row[3 * h + j] + b[3 * h + j]);
        const float cp = c_prev[e];
        row[j] = i;
        row[h + j] = f;
        row[2 * h + j] = o;
        row[3 * h + j] = g;
        const float cn = f * cp + i * g;
        c[e] = cn;
        h_out[e] = o * rnn4j_tanh(cn);
    }
}

// Backward through one step, from the activated gates (N,4H) left by forward. dh is this step's upstream
// gradient, dh_rec the one from step t+1. dc (N,H) holds dNextC on entry and dPrevC on exit (in place).
// da (N,4H) = gradient of the pre-activations (i, f, o, g). With dh_tot = dh + dh_rec and
// dc_tot = dNextC + dh_tot*o*(1 - tanh(c)^2):
//   da_i = dc_tot*g*i(1-i)   da_f = dc_tot*c_prev*f(1-f)   da_o = dh_tot*tanh(c)*o(1-o)   da_g = dc_tot*i*(1-g^2)
//   dPrevC = dc_tot*f
// CPU twin: CpuKernels.lstmBackwardPointwise.
extern "C" __global__ void lstm_backward_pointwise(int n, int h, const float* gates, const float* c_prev,
                                                   const float* c, const float* dh, const float* dh_rec,
                                                   float* dc, float* da) {
    const rnn4j_index count = (rnn4j_index) n * h;
    for (rnn4j_index e = rnn4j_first(); e < count; e += rnn4j_stride()) {
        const rnn4j_index r = e / h, j = e % h;
        const float* row = gates + r * 4 * h;
        const float i = row[j], f = row[h + j], o = row[2 * h + j], g = row[3 * h + j];
        const float tc = rnn4j_tanh(c[e]);
        const float dh_tot = dh[e] + dh_rec[e];
        const float dc_tot = dc[e] + dh_tot * o * (1.0f - tc * tc);
        const float cp = c_prev[e];
        float* out = da + r * 4 * h;
        out[j] = dc_tot * g * i * (1.0f - i);
        out[h + j] = dc_tot * cp * f * (1.0f - f);
        out[2 * h + j] = dh_tot * tc * o * (1.0f - o);
        out[3 * h + j] = dc_tot * i * (1.0f - g * g);
        dc[e] = dc_tot * f;
    }
}
