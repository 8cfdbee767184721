package org.rnn4j.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * Every cell kernel in kernels/*.cu (the training kernels: {@link TrainKernelsMatchCpuTwinsTest}), compiled as host
 * C++ and run thread by thread, against its CPU twin in native-fallback (within {@link Numerics#KERNEL_TWIN_TOL})
 * and against a float64 computation of the same formula (within {@link Numerics#FP32_TOL}), element by element
 * (see {@link KernelTwinChecks#check}). Outputs are poisoned with NaN before each launch, buffers sit between guards
 * at nonzero offsets, read-only inputs must stay untouched, and grids run from a single thread to more threads
 * than elements, so the grid-stride loops and the indexing are what is tested.
 */
class KernelsMatchCpuTwinsTest extends HostKernelTest {
    private static final KernelTwinChecks CHECKS = new KernelTwinChecks("host kernels");

    /** Shapes with a 1 in each place, odd sizes, and more elements than most grids have threads. */
    static List<Launch> pairs() { return launches(new int[][] {{1, 1}, {1, 9}, {7, 1}, {33, 17}, {64, 129}}); }

    static List<Launch> triples() {
        return launches(new int[][] {{1, 1, 1}, {1, 6, 3}, {5, 1, 2}, {4, 3, 1}, {33, 17, 5}, {9, 70, 16}});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void rnnForwardPointwise(Launch l) {
        int n = l.a(), h = l.b();
        SplittableRandom r = Numerics.random();
        float[] pre = uniform(r, n * h, 3), b = uniform(r, h, 1);
        float[] twin = new float[n * h];
        CpuKernels.rnnForwardPointwise(n, h, pre, 0, b, twin, 0);
        Ref ref = Float64Kernels.rnnForward(n, h, pre, b);

        GuardedBuffers buf = buffers(l.layout(), "pre", pre, "b", b, "h", nan(n * h));
        launch(Kernel.RNN_FORWARD_POINTWISE, l, n, h, buf.ptr("pre"), buf.ptr("b"), buf.ptr("h"));
        check("h", buf.get("h"), twin, ref);
        buf.assertOnlyOutputsWritten("pre", pre, "b", b);

        // In place, as the contract allows: pre and h the same buffer.
        GuardedBuffers same = buffers(l.layout(), "pre", pre, "b", b);
        launch(Kernel.RNN_FORWARD_POINTWISE, l, n, h, same.ptr("pre"), same.ptr("b"), same.ptr("pre"));
        check("h (in place over pre)", same.get("pre"), twin, ref);
        same.assertGuardsIntact();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void rnnBackwardPointwise(Launch l) {
        int n = l.a(), h = l.b();
        SplittableRandom r = Numerics.random();
        float[] hT = uniform(r, n * h, 0.999), dh = uniform(r, n * h, 1), dhRec = uniform(r, n * h, 1);
        float[] twin = new float[n * h];
        CpuKernels.rnnBackwardPointwise(n, h, hT, 0, dh, 0, dhRec, 0, twin, 0);
        Ref ref = Float64Kernels.rnnBackward(n, h, hT, dh, dhRec);

        GuardedBuffers buf = buffers(l.layout(), "h", hT, "dh", dh, "dhRec", dhRec, "da", nan(n * h));
        launch(Kernel.RNN_BACKWARD_POINTWISE, l, n, h, buf.ptr("h"), buf.ptr("dh"), buf.ptr("dhRec"), buf.ptr("da"));
        check("da", buf.get("da"), twin, ref);
        buf.assertOnlyOutputsWritten("h", hT, "dh", dh, "dhRec", dhRec);

        // da aliasing dh, as the contract allows.
        GuardedBuffers same = buffers(l.layout(), "h", hT, "dh", dh, "dhRec", dhRec);
        launch(Kernel.RNN_BACKWARD_POINTWISE, l, n, h, same.ptr("h"), same.ptr("dh"), same.ptr("dhRec"),
                same.ptr("dh"));
        check("da (over dh)", same.get("dh"), twin, ref);
        same.assertGuardsIntact();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void lstmForwardPointwise(Launch l) {
        SplittableRandom r = Numerics.random();
        lstmForward(l, uniform(r, l.a() * 4 * l.b(), 3), uniform(r, 4 * l.b(), 1), uniform(r, l.a() * l.b(), 2));
    }

    /** Pre-activations far out in both tails: the sigmoid's guarded branches must give 0/1, never NaN or inf. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void lstmForwardSaturates(Launch l) {
        SplittableRandom r = Numerics.random();
        float[] tails = {1e4f, -1e4f, 120f, -120f, 88.8f, -88.8f, 103.9f, -103.9f, 30f, -30f, 17f, -17f};
        float[] gates = new float[l.a() * 4 * l.b()];
        for (int i = 0; i < gates.length; i++) gates[i] = tails[r.nextInt(tails.length)] * (float) (1 + r.nextDouble());
        lstmForward(l, gates, uniform(r, 4 * l.b(), 1), uniform(r, l.a() * l.b(), 2));
    }

    private void lstmForward(Launch l, float[] gates, float[] b, float[] cPrev) {
        int n = l.a(), h = l.b();
        float[] twinGates = gates.clone(), twinC = new float[n * h], twinH = new float[n * h];
        CpuKernels.lstmForwardPointwise(n, h, twinGates, 0, b, cPrev, 0, twinC, 0, twinH, 0);
        Ref[] ref = Float64Kernels.lstmForward(n, h, gates, b, cPrev);

        GuardedBuffers buf = buffers(l.layout(), "gates", gates, "b", b, "cPrev", cPrev, "c", nan(n * h), "h",
                nan(n * h));
        launch(Kernel.LSTM_FORWARD_POINTWISE, l, n, h, buf.ptr("gates"), buf.ptr("b"), buf.ptr("cPrev"), buf.ptr("c"),
                buf.ptr("h"));
        check("gates (activated in place)", buf.get("gates"), twinGates, ref[0]);
        check("c", buf.get("c"), twinC, ref[1]);
        check("h", buf.get("h"), twinH, ref[2]);
        buf.assertOnlyOutputsWritten("b", b, "cPrev", cPrev);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void lstmBackwardPointwise(Launch l) {
        int n = l.a(), h = l.b(), g4 = 4 * h;
        SplittableRandom r = Numerics.random();
        float[] gates = new float[n * g4];  // activated, as forward leaves them: sigmoids in (0,1), tanh in (-1,1)
        for (int i = 0; i < gates.length; i++)
            gates[i] = (float) (i % g4 >= 3 * h ? r.nextDouble() * 2 - 1 : 0.001 + 0.998 * r.nextDouble());
        float[] cPrev = uniform(r, n * h, 2), c = uniform(r, n * h, 2), dh = uniform(r, n * h, 1),
                dhRec = uniform(r, n * h, 1), dNextC = uniform(r, n * h, 1);

        float[] twinDc = dNextC.clone(), twinDa = new float[n * g4];
        CpuKernels.lstmBackwardPointwise(n, h, gates, 0, cPrev, 0, c, 0, dh, 0, dhRec, 0, twinDc, 0, twinDa, 0);
        Ref[] ref = Float64Kernels.lstmBackward(n, h, gates, cPrev, c, dh, dhRec, dNextC);

        GuardedBuffers buf = buffers(l.layout(), "gates", gates, "cPrev", cPrev, "c", c, "dh", dh, "dhRec", dhRec,
                "dc", dNextC, "da", nan(n * g4));
        launch(Kernel.LSTM_BACKWARD_POINTWISE, l, n, h, buf.ptr("gates"), buf.ptr("cPrev"), buf.ptr("c"), buf.ptr("dh"),
                buf.ptr("dhRec"), buf.ptr("dc"), buf.ptr("da"));
        check("da", buf.get("da"), twinDa, ref[0]);
        check("dc (dPrevC in place over dNextC)", buf.get("dc"), twinDc, ref[1]);
        buf.assertOnlyOutputsWritten("gates", gates, "cPrev", cPrev, "c", c, "dh", dh, "dhRec", dhRec);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void gruForwardPointwise(Launch l) {
        SplittableRandom r = Numerics.random();
        int n = l.a(), h = l.b();
        gruForward(l, uniform(r, n * 3 * h, 3), uniform(r, n * 3 * h, 3), uniform(r, 3 * h, 1), uniform(r, 3 * h, 1),
                uniform(r, n * h, 1));
    }

    /** Pre-activations far out in both tails, as in {@link #lstmForwardSaturates}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void gruForwardSaturates(Launch l) {
        SplittableRandom r = Numerics.random();
        int n = l.a(), h = l.b();
        float[] tails = {1e4f, -1e4f, 120f, -120f, 88.8f, -88.8f, 103.9f, -103.9f, 30f, -30f, 17f, -17f};
        float[] gx = new float[n * 3 * h];
        for (int i = 0; i < gx.length; i++) gx[i] = tails[r.nextInt(tails.length)] * (float) (1 + r.nextDouble());
        gruForward(l, gx, uniform(r, n * 3 * h, 1), uniform(r, 3 * h, 1), uniform(r, 3 * h, 1), uniform(r, n * h, 1));
    }

    private void gruForward(Launch l, float[] gx, float[] gh, float[] bx, float[] bh, float[] hPrev) {
        int n = l.a(), h = l.b();
        float[] twinGates = gx.clone(), twinHn = new float[n * h], twinH = new float[n * h];
        CpuKernels.gruForwardPointwise(n, h, twinGates, 0, gh, 0, bx, bh, hPrev, 0, twinHn, 0, twinH, 0);
        Ref[] ref = Float64Kernels.gruForward(n, h, gx, gh, bx, bh, hPrev);

        GuardedBuffers buf = buffers(l.layout(), "gates", gx, "gh", gh, "bx", bx, "bh", bh, "hPrev", hPrev,
                "hn", nan(n * h), "h", nan(n * h));
        launch(Kernel.GRU_FORWARD_POINTWISE, l, n, h, buf.ptr("gates"), buf.ptr("gh"), buf.ptr("bx"), buf.ptr("bh"),
                buf.ptr("hPrev"), buf.ptr("hn"), buf.ptr("h"));
        check("gates (activated in place)", buf.get("gates"), twinGates, ref[0]);
        check("hn", buf.get("hn"), twinHn, ref[1]);
        check("h", buf.get("h"), twinH, ref[2]);
        buf.assertOnlyOutputsWritten("gh", gh, "bx", bx, "bh", bh, "hPrev", hPrev);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void gruBackwardPointwise(Launch l) {
        int n = l.a(), h = l.b(), g3 = 3 * h;
        SplittableRandom r = Numerics.random();
        float[] gates = new float[n * g3];  // as forward leaves them: r, z in (0,1), n in (-1,1)
        for (int i = 0; i < gates.length; i++)
            gates[i] = (float) (i % g3 >= 2 * h ? r.nextDouble() * 2 - 1 : 0.001 + 0.998 * r.nextDouble());
        float[] hn = uniform(r, n * h, 2), hPrev = uniform(r, n * h, 1), dh = uniform(r, n * h, 1),
                dhRec = uniform(r, n * h, 1);

        float[] twinRec = dhRec.clone(), twinDax = new float[n * g3], twinDah = new float[n * g3];
        CpuKernels.gruBackwardPointwise(n, h, gates, 0, hn, 0, hPrev, 0, dh, 0, twinRec, 0, twinDax, 0, twinDah, 0);
        Ref[] ref = Float64Kernels.gruBackward(n, h, gates, hn, hPrev, dh, dhRec);

        GuardedBuffers buf = buffers(l.layout(), "gates", gates, "hn", hn, "hPrev", hPrev, "dh", dh, "dhRec", dhRec,
                "dax", nan(n * g3), "dah", nan(n * g3));
        launch(Kernel.GRU_BACKWARD_POINTWISE, l, n, h, buf.ptr("gates"), buf.ptr("hn"), buf.ptr("hPrev"), buf.ptr("dh"),
                buf.ptr("dhRec"), buf.ptr("dax"), buf.ptr("dah"));
        check("dax", buf.get("dax"), twinDax, ref[0]);
        check("dah", buf.get("dah"), twinDah, ref[1]);
        check("dhRec ((dh+dhRec)*z in place)", buf.get("dhRec"), twinRec, ref[2]);
        buf.assertOnlyOutputsWritten("gates", gates, "hn", hn, "hPrev", hPrev, "dh", dh);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("triples")
    void swapAxes01(Launch l) {
        int d0 = l.a(), d1 = l.b(), d2 = l.c();
        float[] src = uniform(Numerics.random(), d0 * d1 * d2, 1);
        float[] twin = new float[src.length];
        CpuKernels.swapAxes01(src, 0, twin, 0, d0, d1, d2);
        Ref ref = Float64Kernels.swapAxes01(src, d0, d1, d2);

        GuardedBuffers buf = buffers(l.layout(), "src", src, "dst", nan(src.length));
        launch(Kernel.SWAP_AXES01, l, d0, d1, d2, buf.ptr("src"), buf.ptr("dst"));
        float[] dst = buf.get("dst");
        check("dst", dst, twin, ref);
        assertArrayEquals(twin, dst, "a transpose moves floats, it must not change them");
        buf.assertOnlyOutputsWritten("src", src);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void columnSum(Launch l) {
        int rows = l.a() * 3, cols = l.b();  // a few more rows than the pair's n, so the row loop is longer
        for (int chunk : new int[]{rows, 7, org.rnn4j.compute.Compute.COLUMN_SUM_CHUNK}) {
            int chunks = (rows + chunk - 1) / chunk;
            float[] a = uniform(Numerics.random(), rows * cols, 1);
            float[] twin = new float[chunks * cols];
            CpuKernels.columnSumChunks(a, 0, rows, cols, chunk, twin, 0, 0, cols);
            Ref ref = Float64Kernels.columnSumChunks(a, rows, cols, chunk);

            GuardedBuffers buf = buffers(l.layout(), "a", a, "out", nan(chunks * cols));
            launch(Kernel.COLUMN_SUM, l, rows, cols, chunk, buf.ptr("a"), buf.ptr("out"));
            float[] out = buf.get("out");
            check("out (chunk " + chunk + ")", out, twin, ref);
            // Same additions in the same order as the twin (rows ascending from 0, no fused ops): equal bit for bit.
            assertArrayEquals(twin, out, "column_sum must add each chunk's rows in ascending order, like "
                    + "CpuKernels.columnSumChunks");
            buf.assertOnlyOutputsWritten("a", a);
        }
    }

    private static void check(String what, float[] out, float[] twin, Ref ref) { CHECKS.check(what, out, twin, ref); }

    @AfterAll
    static void report() { report(CHECKS); }
}
