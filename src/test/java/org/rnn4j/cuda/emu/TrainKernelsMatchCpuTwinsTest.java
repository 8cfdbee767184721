package org.rnn4j.cuda.emu;

import static org.rnn4j.Numerics.uniform;
import static org.rnn4j.cuda.emu.KernelTwinChecks.buffers;
import static org.rnn4j.cuda.emu.KernelTwinChecks.launches;
import static org.rnn4j.cuda.emu.KernelTwinChecks.nan;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Numerics;
import org.rnn4j.cpu.CpuKernels;
import org.rnn4j.cuda.Kernel;
import org.rnn4j.cuda.emu.Float64Kernels.Ref;
import org.rnn4j.cuda.emu.KernelTwinChecks.Launch;

/**
 * The training kernels of kernels/train.cu, compiled as host C++ and run thread by thread, against their CPU twins
 * in native-fallback and a float64 computation, element by element, as {@link KernelsMatchCpuTwinsTest} does for
 * the cell kernels: fresh random inputs, outputs NaN-poisoned, buffers guarded at nonzero offsets, read-only inputs
 * untouched, grids from one thread to more threads than work items. Kernels that do exactly the twin's float
 * operations (moves, one multiply, the ordered sum of sum_lanes, whose bits CudaCompute.sum relies on) must match
 * it bit for bit; softmax (expf/logf against Math.exp/log) and Adam are held to the rounding bounds.
 */
class TrainKernelsMatchCpuTwinsTest extends HostKernelTest {
    private static final KernelTwinChecks CHECKS = new KernelTwinChecks("host training kernels");

    /** (rows, v) with rows = 1, v = 1, odd sizes and more elements than most grids have threads. */
    static List<Launch> oneHotShapes() { return launches(new int[][] {{1, 1}, {1, 9}, {7, 1}, {33, 17}, {64, 129}}); }

    /** (rows, d, V): a one-row table, a single column, and more rows than the table has. */
    static List<Launch> gatherShapes() {
        return launches(new int[][] {{1, 1, 1}, {1, 9, 4}, {7, 1, 3}, {33, 17, 1}, {64, 129, 70}});
    }

    /** (rows, v); one thread per row, so grids are sized by rows. */
    static List<Launch> softmaxShapes() {
        return launches(new int[][] {{1, 1}, {1, 9}, {7, 1}, {33, 17}, {64, 129}, {300, 3}}, s -> s[0]);
    }

    /**
     * (n, lanes); one thread per lane. Includes more lanes than elements (the first pass of Compute.sum over a short
     * tensor: the extra lanes must write 0), lanes wrapping past n, and long lanes (a few hundred terms each).
     */
    static List<Launch> sumShapes() {
        return launches(new int[][] {{1, 1}, {7, 1}, {1, 9}, {5, 4096}, {300, 1}, {333, 64}, {4099, 4096}}, s -> s[1]);
    }

    /** (n, 1) for the elementwise in-place kernels. */
    static List<Launch> vectorShapes() { return launches(new int[][] {{1, 1}, {9, 1}, {1000, 1}, {4099, 1}}, s -> s[0]);
            }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneHotShapes")
    void oneHot(Launch l) {
        int rows = l.a(), v = l.b();
        float[] idx = indices(Numerics.random(), rows, v);
        float[] twin = new float[rows * v];
        CpuKernels.oneHot(rows, v, idx, 0, twin, 0);

        GuardedBuffers buf = buffers(l.layout(), "idx", idx, "out", nan(rows * v));
        launch(Kernel.ONE_HOT, l, rows, v, buf.ptr("idx"), buf.ptr("out"));
        CHECKS.checkBitIdentical("out", buf.get("out"), twin, Float64TrainKernels.oneHot(rows, v, idx));
        buf.assertOnlyOutputsWritten("idx", idx);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gatherShapes")
    void gatherRows(Launch l) {
        int rows = l.a(), d = l.b(), vocab = l.c();
        SplittableRandom r = Numerics.random();
        float[] idx = indices(r, rows, vocab), table = uniform(r, vocab * d, 1);
        float[] twin = new float[rows * d];
        CpuKernels.gatherRows(rows, d, idx, 0, table, 0, twin, 0);

        GuardedBuffers buf = buffers(l.layout(), "idx", idx, "table", table, "out", nan(rows * d));
        launch(Kernel.GATHER_ROWS, l, rows, d, buf.ptr("idx"), buf.ptr("table"), buf.ptr("out"));
        CHECKS.checkBitIdentical("out", buf.get("out"), twin, Float64TrainKernels.gatherRows(rows, d, idx, table));
        buf.assertOnlyOutputsWritten("idx", idx, "table", table);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("softmaxShapes")
    void softmaxCrossEntropy(Launch l) {
        softmax(l, 4);
    }

    /** Scores spread over ±60: exp of the shifted scores underflows, so only the max shift keeps this finite. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("softmaxShapes")
    void softmaxCrossEntropyWideScores(Launch l) {
        softmax(l, 60);
    }

    private void softmax(Launch l, double spread) {
        int rows = l.a(), v = l.b();
        SplittableRandom r = Numerics.random();
        float[] s = uniform(r, rows * v, spread), y = indices(r, rows, v), mask = new float[rows];
        for (int i = 0; i < rows; i++) mask[i] = r.nextInt(4) == 0 ? 0f : 1f;   // about a quarter masked out
        float scale = 1f / (1 + r.nextInt(8));
        float[] twinLoss = new float[rows], twinD = new float[rows * v];
        CpuKernels.softmaxCrossEntropy(rows, v, scale, s, 0, y, 0, mask, 0, twinLoss, 0, twinD, 0);
        Ref[] ref = Float64TrainKernels.softmaxCrossEntropy(rows, v, scale, s, y, mask);

        GuardedBuffers buf = buffers(l.layout(), "s", s, "y", y, "mask", mask, "loss", nan(rows), "d", nan(rows * v));
        launch(Kernel.SOFTMAX_CROSS_ENTROPY, l, rows, v, scale, buf.ptr("s"), buf.ptr("y"), buf.ptr("mask"),
                buf.ptr("loss"), buf.ptr("d"));
        CHECKS.check("loss_rows", buf.get("loss"), twinLoss, ref[0]);
        CHECKS.check("dscores", buf.get("d"), twinD, ref[1]);
        buf.assertOnlyOutputsWritten("s", s, "y", y, "mask", mask);

        // dScores over scores, as the contract allows (the layer computes the gradient in place this way).
        GuardedBuffers same = buffers(l.layout(), "s", s, "y", y, "mask", mask, "loss", nan(rows));
        launch(Kernel.SOFTMAX_CROSS_ENTROPY, l, rows, v, scale, same.ptr("s"), same.ptr("y"), same.ptr("mask"),
                same.ptr("loss"), same.ptr("s"));
        CHECKS.check("loss_rows (dscores in place)", same.get("loss"), twinLoss, ref[0]);
        CHECKS.check("dscores (in place over scores)", same.get("s"), twinD, ref[1]);
        same.assertOnlyOutputsWritten("y", y, "mask", mask);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sumShapes")
    void sumLanes(Launch l) {
        int n = l.a(), lanes = l.b();
        float[] x = uniform(Numerics.random(), n, 2);
        for (boolean squared : new boolean[] {false, true}) {
            float[] twin = new float[lanes];
            CpuKernels.sumLanes(n, lanes, squared, x, 0, twin, 0);

            GuardedBuffers buf = buffers(l.layout(), "x", x, "out", nan(lanes));
            launch(Kernel.SUM_LANES, l, n, lanes, squared ? 1 : 0, buf.ptr("x"), buf.ptr("out"));
            // Bit for bit: the three passes of Compute.sum then give the CPU backend's bits on every device.
            CHECKS.checkBitIdentical(squared ? "sum of squares" : "sum", buf.get("out"), twin,
                    Float64TrainKernels.sumLanes(n, lanes, squared, x));
            buf.assertOnlyOutputsWritten("x", x);
        }
    }

    /** In place, so nothing can be poisoned: alpha far from 1 moves every (nonzero) element, so a skipped one shows. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorShapes")
    void scaleInplace(Launch l) {
        int n = l.a();
        SplittableRandom r = Numerics.random();
        float[] x = uniform(r, n, 3);
        float alpha = (float) ((r.nextBoolean() ? 1 : -1) * (0.25 + 0.5 * r.nextDouble()));
        float[] twin = x.clone();
        CpuKernels.scale(n, alpha, twin, 0);

        GuardedBuffers buf = buffers(l.layout(), "x", x);
        launch(Kernel.SCALE_INPLACE, l, n, alpha, buf.ptr("x"));
        CHECKS.checkBitIdentical("x", buf.get("x"), twin, Float64TrainKernels.scale(alpha, x));
        buf.assertGuardsIntact();
    }

    /**
     * In place on param, m and v, so nothing can be poisoned. Inputs are drawn so that every element of all three
     * moves by far more than the twin tolerance (m of g's sign and |g − m| ≥ 0.1, v < 0.2 < g², |m'| ≥ 0.05): an
     * element the kernel skipped keeps its input value and fails the comparison.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorShapes")
    void adamUpdate(Launch l) {
        int n = l.a();
        SplittableRandom r = Numerics.random();
        float[] p = uniform(r, n, 1), g = new float[n], m = new float[n], v = new float[n];
        for (int i = 0; i < n; i++) {
            float sign = r.nextBoolean() ? 1 : -1;
            g[i] = sign * (float) (0.5 + 0.5 * r.nextDouble());
            m[i] = sign * (float) (0.4 * r.nextDouble());
            v[i] = (float) (0.2 * r.nextDouble());
        }
        int t = 1 + r.nextInt(50);
        float lr = (float) (5e-3 + 1e-2 * r.nextDouble()), beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
        float bias1 = (float) (1 - Math.pow(beta1, t)), bias2 = (float) (1 - Math.pow(beta2, t));
        float[] twinP = p.clone(), twinM = m.clone(), twinV = v.clone();
        CpuKernels.adamUpdate(n, lr, beta1, beta2, eps, bias1, bias2, twinP, 0, g, 0, twinM, 0, twinV, 0);
        Ref[] ref = Float64TrainKernels.adamUpdate(lr, beta1, beta2, eps, bias1, bias2, p, g, m, v);

        GuardedBuffers buf = buffers(l.layout(), "p", p, "g", g, "m", m, "v", v);
        launch(Kernel.ADAM_UPDATE, l, n, lr, beta1, beta2, eps, bias1, bias2, buf.ptr("p"), buf.ptr("g"),
                buf.ptr("m"), buf.ptr("v"));
        CHECKS.check("param (step " + t + ")", buf.get("p"), twinP, ref[0]);
        CHECKS.check("m", buf.get("m"), twinM, ref[1]);
        CHECKS.check("v", buf.get("v"), twinV, ref[2]);
        buf.assertOnlyOutputsWritten("g", g);
    }

    /** Random class indices in [0, bound), as the layers pass them: integral floats. */
    private static float[] indices(SplittableRandom r, int n, int bound) {
        float[] idx = new float[n];
        for (int i = 0; i < n; i++) idx[i] = r.nextInt(bound);
        return idx;
    }

    @AfterAll
    static void report() { report(CHECKS); }
}
