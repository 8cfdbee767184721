package org.rnn4j.cuda;

import java.util.List;

/**
 * The CUDA kernels rnn4j launches, with the exact parameter list of each {@code .entry} in the shipped PTX
 * (a test parses the PTX and holds the two equal). Pointers are passed already offset. Every kernel uses a
 * grid-stride loop over its element count, so any 1-D grid is correct. Each names its CPU twin.
 */
public enum Kernel {
    /** (int n, int h, const float* pre, const float* b, float* h_out); twin CpuKernels.rnnForwardPointwise. */
    RNN_FORWARD_POINTWISE("rnn_forward_pointwise", Param.INT, Param.INT, Param.PTR, Param.PTR, Param.PTR),
    /** (int n, int h, const float* h_t, const float* dh, const float* dh_rec, float* da); twin rnnBackwardPointwise. */
    RNN_BACKWARD_POINTWISE("rnn_backward_pointwise", Param.INT, Param.INT, Param.PTR, Param.PTR, Param.PTR, Param.PTR),
    /**
     * (int n, int h, float* gates, const float* b, const float* c_prev, float* c, float* h_out); twin
     * lstmForwardPointwise.
     */
    LSTM_FORWARD_POINTWISE("lstm_forward_pointwise", Param.INT, Param.INT, Param.PTR, Param.PTR, Param.PTR, Param.PTR,
            Param.PTR),
    /** (int n, int h, const float* gates, const float* c_prev, const float* c, const float* dh, const float* dh_rec,
     *  float* dc, float* da); twin lstmBackwardPointwise. */
    LSTM_BACKWARD_POINTWISE("lstm_backward_pointwise", Param.INT, Param.INT, Param.PTR, Param.PTR, Param.PTR, Param.PTR,
            Param.PTR, Param.PTR, Param.PTR),
    /** (int n, int h, float* gates, const float* gh, const float* bx, const float* bh, const float* h_prev,
     *  float* hn, float* h_out); twin gruForwardPointwise. */
    GRU_FORWARD_POINTWISE("gru_forward_pointwise", Param.INT, Param.INT, Param.PTR, Param.PTR, Param.PTR, Param.PTR,
            Param.PTR, Param.PTR, Param.PTR),
    /** (int n, int h, const float* gates, const float* hn, const float* h_prev, const float* dh, float* dh_rec,
     *  float* dax, float* dah); twin gruBackwardPointwise. */
    GRU_BACKWARD_POINTWISE("gru_backward_pointwise", Param.INT, Param.INT, Param.PTR, Param.PTR, Param.PTR, Param.PTR,
            Param.PTR, Param.PTR, Param.PTR),
    /** (int d0, int d1, int d2, const float* src, float* dst); twin CpuKernels.swapAxes01. */
    SWAP_AXES01("swap_axes01", Param.INT, Param.INT, Param.INT, Param.PTR, Param.PTR),
    /** (int rows, int cols, int chunk, const float* a, float* out (ceil(rows/chunk), cols)): sums of chunks of rows,
     *  one thread per (chunk, column), rows in order; twin CpuKernels.columnSumChunks. */
    COLUMN_SUM("column_sum", Param.INT, Param.INT, Param.INT, Param.PTR, Param.PTR),

    // kernels/train.cu: language-model layers and training.
    /** (int rows, int v, const float* idx, float* out); twin CpuKernels.oneHot. */
    ONE_HOT("one_hot", Param.INT, Param.INT, Param.PTR, Param.PTR),
    /** (int rows, int d, const float* idx, const float* table, float* out); twin CpuKernels.gatherRows. */
    GATHER_ROWS("gather_rows", Param.INT, Param.INT, Param.PTR, Param.PTR, Param.PTR),
    /** (int rows, int v, float scale, const float* scores, const float* y, const float* mask, float* loss_rows,
     *  float* dscores): one thread per row; twin CpuKernels.softmaxCrossEntropy. */
    SOFTMAX_CROSS_ENTROPY("softmax_cross_entropy", Param.INT, Param.INT, Param.FLOAT, Param.PTR, Param.PTR, Param.PTR,
            Param.PTR, Param.PTR),
    /** (int n, int lanes, int squared, const float* x, float* out): out[l] = sum_k f(x[l + k*lanes]), one thread per
     *  lane, any grid; Compute.sum launches it three times (4096 lanes, 64, 1); twin CpuKernels.sumLanes. */
    SUM_LANES("sum_lanes", Param.INT, Param.INT, Param.INT, Param.PTR, Param.PTR),
    /** (int n, float alpha, float* x); twin CpuKernels.scale. */
    SCALE_INPLACE("scale_inplace", Param.INT, Param.FLOAT, Param.PTR),
    /** (int n, float lr, float beta1, float beta2, float eps, float bias1, float bias2, float* param,
     *  const float* grad, float* m, float* v); twin CpuKernels.adamUpdate. */
    ADAM_UPDATE("adam_update", Param.INT, Param.FLOAT, Param.FLOAT, Param.FLOAT, Param.FLOAT, Param.FLOAT, Param.FLOAT,
            Param.PTR, Param.PTR, Param.PTR, Param.PTR);

    /** PTX parameter kinds: .u32/.s32 for INT, .u64 for PTR, .f32 for FLOAT. */
    public enum Param { INT, PTR, FLOAT }

    public final String entry;
    public final List<Param> params;

    Kernel(String entry, Param... params) {
        this.entry = entry;
        this.params = List.of(params);
    }
}
