package org.rnn4j.cuda.emu;

import java.util.Arrays;
import org.rnn4j.cpu.CpuKernels;
import org.rnn4j.cuda.Kernel;

/**
 * Runs each kernel as its pure-Java twin in {@link CpuKernels}, ignoring the grid (the twins do all elements).
 * Where a C++ compiler exists the real kernels compiled for the host are preferred ({@link Executors#best()});
 * this one still checks everything on the Java side of a launch: arguments, offsets and extents.
 */
public final class JavaTwinExecutor implements KernelExecutor {
    @Override
    public void launch(Kernel kernel, int gridX, int blockX, Object[] args) {
        switch (kernel) {
            case RNN_FORWARD_POINTWISE -> {
                int n = i(args[0]), h = i(args[1]);
                CpuKernels.rnnForwardPointwise(n, h, a(args[2]), o(args[2]), at(args[3], h), a(args[4]), o(args[4]));
            }
            case RNN_BACKWARD_POINTWISE -> CpuKernels.rnnBackwardPointwise(i(args[0]), i(args[1]), a(args[2]),
                    o(args[2]),
                    a(args[3]), o(args[3]), a(args[4]), o(args[4]), a(args[5]), o(args[5]));
            case LSTM_FORWARD_POINTWISE -> {
                int n = i(args[0]), h = i(args[1]);
                CpuKernels.lstmForwardPointwise(n, h, a(args[2]), o(args[2]), at(args[3], 4 * h), a(args[4]),
                        o(args[4]),
                        a(args[5]), o(args[5]), a(args[6]), o(args[6]));
            }
            case LSTM_BACKWARD_POINTWISE -> CpuKernels.lstmBackwardPointwise(i(args[0]), i(args[1]), a(args[2]),
                    o(args[2]),
                    a(args[3]), o(args[3]), a(args[4]), o(args[4]), a(args[5]), o(args[5]), a(args[6]), o(args[6]),
                    a(args[7]), o(args[7]), a(args[8]), o(args[8]));
            case GRU_FORWARD_POINTWISE -> {
                int n = i(args[0]), h = i(args[1]);
                CpuKernels.gruForwardPointwise(n, h, a(args[2]), o(args[2]), a(args[3]), o(args[3]), at(args[4], 3 * h),
                        at(args[5], 3 * h), a(args[6]), o(args[6]), a(args[7]), o(args[7]), a(args[8]), o(args[8]));
            }
            case GRU_BACKWARD_POINTWISE -> CpuKernels.gruBackwardPointwise(i(args[0]), i(args[1]), a(args[2]),
                    o(args[2]),
                    a(args[3]), o(args[3]), a(args[4]), o(args[4]), a(args[5]), o(args[5]), a(args[6]), o(args[6]),
                    a(args[7]), o(args[7]), a(args[8]), o(args[8]));
            case SWAP_AXES01 -> CpuKernels.swapAxes01(a(args[3]), o(args[3]), a(args[4]), o(args[4]), i(args[0]),
                    i(args[1]), i(args[2]));
            case COLUMN_SUM -> CpuKernels.columnSumChunks(a(args[3]), o(args[3]), i(args[0]), i(args[1]), i(args[2]),
                    a(args[4]), o(args[4]), 0, i(args[1]));
            case ONE_HOT -> CpuKernels.oneHot(i(args[0]), i(args[1]), a(args[2]), o(args[2]), a(args[3]), o(args[3]));
            case GATHER_ROWS -> CpuKernels.gatherRows(i(args[0]), i(args[1]), a(args[2]), o(args[2]), a(args[3]),
                    o(args[3]),
                    a(args[4]), o(args[4]));
            case SOFTMAX_CROSS_ENTROPY -> CpuKernels.softmaxCrossEntropy(i(args[0]), i(args[1]), f(args[2]), a(args[3]),
                    o(args[3]),
                    a(args[4]), o(args[4]), a(args[5]), o(args[5]), a(args[6]), o(args[6]), a(args[7]), o(args[7]));
            case SUM_LANES -> CpuKernels.sumLanes(i(args[0]), i(args[1]), i(args[2]) != 0, a(args[3]), o(args[3]),
                    a(args[4]), o(args[4]));
            case SCALE_INPLACE -> CpuKernels.scale(i(args[0]), f(args[1]), a(args[2]), o(args[2]));
            case ADAM_UPDATE -> CpuKernels.adamUpdate(i(args[0]), f(args[1]), f(args[2]), f(args[3]), f(args[4]),
                    f(args[5]),
                    f(args[6]), a(args[7]), o(args[7]), a(args[8]), o(args[8]), a(args[9]), o(args[9]), a(args[10]),
                    o(args[10]));
        }
    }

    private static int i(Object v) { return (Integer) v; }

    private static float f(Object v) { return (Float) v; }

    private static float[] a(Object p) { return ((DevicePtr) p).array(); }

    private static int o(Object p) { return ((DevicePtr) p).offset(); }

    /** The twins take the bias without an offset: a read-only slice of exactly its length. */
    private static float[] at(Object p, int len) {
        DevicePtr d = (DevicePtr) p;
        return d.offset() == 0 && d.array().length == len ? d.array()
                : Arrays.copyOfRange(d.array(), d.offset(), d.offset() + len);
    }
}
