package org.rnn4j.cuda.emu;

import org.rnn4j.cuda.Kernel;

/**
 * How many floats each pointer parameter of a kernel touches, from its int parameters: the emulated device
 * checks that each range lies in its allocation before running the launch. Written from the contracts in
 * {@link org.rnn4j.compute.Compute} and {@link Kernel}, independently of CudaCompute.
 */
final class KernelExtents {
    private KernelExtents() {}

    /** Floats per pointer parameter, in order. {@code args} already match {@code kernel.params} in type. */
    static long[] of(Kernel kernel, Object[] args) {
        long a0 = (Integer) args[0], a1 = args[1] instanceof Integer i ? i : 0;
        long nh = a0 * a1;
        return switch (kernel) {
            case RNN_FORWARD_POINTWISE -> new long[]{nh, a1, nh};                       // pre, b, h_out
            case RNN_BACKWARD_POINTWISE -> new long[]{nh, nh, nh, nh};                  // h_t, dh, dh_rec, da
            case LSTM_FORWARD_POINTWISE -> new long[]{4 * nh, 4 * a1, nh, nh, nh};      // gates, b, c_prev, c, h_out
            // gates, c_prev, c, dh, dh_rec, dc, da
            case LSTM_BACKWARD_POINTWISE -> new long[]{4 * nh, nh, nh, nh, nh, nh, 4 * nh};
            // gates, gh, bx, bh, h_prev, hn, h_out
            case GRU_FORWARD_POINTWISE -> new long[]{3 * nh, 3 * nh, 3 * a1, 3 * a1, nh, nh, nh};
            // gates, hn, h_prev, dh, dh_rec, dax, dah
            case GRU_BACKWARD_POINTWISE -> new long[]{3 * nh, nh, nh, nh, nh, 3 * nh, 3 * nh};
            case SWAP_AXES01 -> {
                long all = nh * (Integer) args[2];
                yield new long[]{all, all};                                              // src, dst
            }
            case COLUMN_SUM -> {
                long chunk = (Integer) args[2];
                // a (rows, cols), out (chunks, cols)
                yield new long[]{nh, (a0 + chunk - 1) / chunk * a1};
            }
            case ONE_HOT -> new long[]{a0, nh};                                          // idx (rows), out (rows, v)
            case GATHER_ROWS -> new long[]{a0, a1, nh};        // idx, table (at least one row: V is in the data), out
            // scores, y, mask, loss_rows, dscores
            case SOFTMAX_CROSS_ENTROPY -> new long[]{nh, a0, a0, a0, nh};
            case SUM_LANES -> new long[]{a0, a1};                                        // x (n), out (lanes)
            case SCALE_INPLACE -> new long[]{a0};                                        // x (n)
            case ADAM_UPDATE -> new long[]{a0, a0, a0, a0};                              // param, grad, m, v
        };
    }
}
