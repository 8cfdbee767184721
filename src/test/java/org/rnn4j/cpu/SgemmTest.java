package org.rnn4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.Numerics;

/**
 * {@link Sgemm} against a float64 reference: every transpose combination, odd sizes, offsets, ld wider than
 * the matrix, alpha/beta cases; both kernels (scalar, and the Vector API one when the test JVM has the module);
 * bit-identical results for 1, 2 and 4 threads and between kernels.
 */
class SgemmTest {
    /** Pools for 1, 2 and 4 threads in all (the caller is one of them; 1 thread = no pool). */
    static final Parallel P1 = Sgemm.pool(1), P2 = Sgemm.pool(2), P4 = Sgemm.pool(4);

    @AfterAll
    static void shutdown() { P2.close(); P4.close(); }

    static List<SgemmKernel> kernels() {
        List<SgemmKernel> ks = new ArrayList<>();
        ks.add(new ScalarSgemmKernel());
        if (!(Sgemm.defaultKernel() instanceof ScalarSgemmKernel)) ks.add(Sgemm.defaultKernel());
        return ks;
    }

    /** One problem: stored operands with offsets and padded leading dimensions, and its float64 answer. */
    record Problem(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                   float[] a, int offA, int lda, float[] b, int offB, int ldb, float[] c0, int offC, int ldc) {
        static Problem random(SplittableRandom r, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                              int pad, int off) {
            int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
            float[] a = Numerics.uniform(r, off + (ta ? k : m) * Math.max(lda, 1), 1);
            float[] b = Numerics.uniform(r, off + (tb ? n : k) * Math.max(ldb, 1), 1);
            float[] c = Numerics.uniform(r, off + m * ldc, 1);
            return new Problem(ta, tb, m, n, k, alpha, beta, a, off, lda, b, off, ldb, c, off, ldc);
        }

        float[] run(SgemmKernel kernel, Parallel pool) {
            float[] c = c0.clone();
            Sgemm.gemm(kernel, pool, ta, tb, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
            return c;
        }

        /** The whole C array in float64: inside the matrix alpha·op(A)·op(B) + beta·C, elsewhere unchanged. */
        double[] reference() {
            double[] out = Numerics.toDouble(c0);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = ta ? a[offA + p * lda + i] : a[offA + i * lda + p];
                        double bv = tb ? b[offB + j * ldb + p] : b[offB + p * ldb + j];
                        s += av * bv;
                    }
                    int q = offC + i * ldc + j;
                    out[q] = alpha * s + (beta == 0f ? 0 : beta * (double) c0[q]);
                }
            return out;
        }
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} alpha={3} beta={4} pad={5} off={6}")
    @CsvSource({
            "1,1,1,1,0,0,0", "7,7,7,1,0,0,0", "33,17,9,1,1,3,5", "1,257,33,0.5,0,0,1", "257,1,33,1,1,2,0",
            "13,40,257,-1.5,0.25,1,7", "6,32,256,1,0,0,0", "25,70,300,1,1,5,3", "130,33,600,2,0,4,2",
            "2,1100,70,1,1,0,0"})
    void matchesFloat64ReferenceForAllTransposes(int m, int n, int k, float alpha, float beta, int pad, int off) {
        SplittableRandom r = Numerics.random();
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true}) {
                Problem pr = Problem.random(r, ta, tb, m, n, k, alpha, beta, pad, off);
                double[] ref = pr.reference();
                for (SgemmKernel kernel : kernels()) {
                    String what = kernel.name() + " ta=" + ta + " tb=" + tb;
                    float[] got = pr.run(kernel, P2);
                    Numerics.assertClose(what, got, ref, Numerics.FP32_TOL);
                    assertOutsideUnchanged(what, pr, got);
                }
            }
    }

    @Test
    void betaZeroNeverReadsC() {
        SplittableRandom r = Numerics.random();
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true}) {
                Problem pr = Problem.random(r, ta, tb, 19, 45, 31, 1.25f, 0f, 2, 3);
                double[] ref = pr.reference();
                for (int i = 0; i < pr.m; i++)
                    for (int j = 0; j < pr.n; j++) pr.c0[pr.offC + i * pr.ldc + j] = Float.NaN;
                for (SgemmKernel kernel : kernels()) {
                    float[] got = pr.run(kernel, P2);
                    float[] inside = inside(pr, got);
                    Numerics.assertAllFinite(kernel.name() + " C", inside);
                    Numerics.assertClose(kernel.name() + " ta=" + ta + " tb=" + tb, inside, inside(pr, ref),
                            Numerics.FP32_TOL);
                }
            }
    }

    @Test
    void kZeroScalesCByBeta() {
        SplittableRandom r = Numerics.random();
        Problem pr = Problem.random(r, false, true, 9, 21, 0, 3f, 0.5f, 1, 2);
        for (SgemmKernel kernel : kernels()) {
            float[] got = pr.run(kernel, P2);
            for (int i = 0; i < pr.m; i++)
                for (int j = 0; j < pr.n; j++) {
                    int q = pr.offC + i * pr.ldc + j;
                    assertEquals(0.5f * pr.c0[q], got[q], kernel.name() + " C[" + i + "," + j + "]");
                }
        }
        Problem zero = Problem.random(r, true, false, 5, 7, 0, 1f, 0f, 0, 0);
        for (SgemmKernel kernel : kernels())
            for (float v : inside(zero, zero.run(kernel, P1))) assertEquals(0f, v, kernel.name());
    }

    /** Splitting C between threads never changes an element's summation order, nor does the kernel. */
    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"300,200,700", "16,2048,512", "1600,512,128", "128,512,3200", "7,1000,300", "1,1000,300",
            "3,700,520"})
    void bitIdenticalAcrossThreadCountsRunsAndKernels(int m, int n, int k) {
        SplittableRandom r = Numerics.random();
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true}) {
                Problem pr = Problem.random(r, ta, tb, m, n, k, 1f, 1f, 1, 1);
                float[] first = pr.run(Sgemm.defaultKernel(), P1);
                Numerics.assertAllFinite("C", first);
                String what = "ta=" + ta + " tb=" + tb;
                assertArrayEquals(first, pr.run(Sgemm.defaultKernel(), P2), what + " 2 threads");
                assertArrayEquals(first, pr.run(Sgemm.defaultKernel(), P4), what + " 4 threads");
                assertArrayEquals(first, pr.run(Sgemm.defaultKernel(), P4), what + " second run");
                assertArrayEquals(first, pr.run(new ScalarSgemmKernel(), P2), what + " scalar kernel");
            }
    }

    /** The one-row kernel (last rows of C, batch-1 recurrences) computes every element as the MR-row tile does. */
    @Test
    void rowKernelGivesTheTileKernelsBits() {
        for (SgemmKernel kernel : new SgemmKernel[]{Sgemm.defaultKernel(), new ScalarSgemmKernel()}) {
            int kc = 77, nr = kernel.nr(), mr = SgemmKernel.MR;
            SplittableRandom r = Numerics.random();
            float[] ap = Numerics.uniform(r, kc * mr + 3, 1), bp = Numerics.uniform(r, kc * nr + 5, 1);
            float[] tile = new float[mr * nr], rows = new float[mr * nr];
            kernel.tile(kc, ap, 3, bp, 5, nr, tile);
            for (int row = 0; row < mr; row++) kernel.row(kc, ap, 3 + row, bp, 5, nr, rows, row * nr);
            Numerics.assertAllFinite(kernel.name(), tile);
            assertArrayEquals(tile, rows, kernel.name() + ": row kernel vs tile kernel");
            // four panels at once (1-3 rows of C) as four single-panel calls, panels 2·nr·kc + 7 floats apart
            int stride = 2 * nr * kc + 7;
            float[] wideB = Numerics.uniform(r, 5 + 3 * stride + kc * nr, 1);
            float[] wide = new float[SgemmKernel.WIDE * nr], single = new float[SgemmKernel.WIDE * nr];
            kernel.rowWide(kc, ap, 4, wideB, 5, stride, nr, wide, 0);
            for (int q = 0; q < SgemmKernel.WIDE; q++) kernel.row(kc, ap, 4, wideB, 5 + q * stride, nr, single, q * nr);
            Numerics.assertAllFinite(kernel.name(), wide);
            assertArrayEquals(single, wide, kernel.name() + ": four-panel row kernel vs one panel at a time");
        }
    }

    /**
     * op(B) packed once ({@link PackedB}) gives the same bits as packing per call, for each kernel, thread count
     * and transpose, including the shapes of the cells' per-step products, edge panels and k over one KC block.
     */
    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"16,2048,512", "32,512,2048", "64,256,256", "7,1000,300", "33,17,9", "130,33,600", "1,1,1",
            "25,70,300", "1,1100,300", "2,600,257"})
    void prepackedBGivesTheSameBitsAsPackingPerCall(int m, int n, int k) {
        SplittableRandom r = Numerics.random();
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true}) {
                Problem pr = Problem.random(r, ta, tb, m, n, k, 0.75f, 1f, 3, 2);
                for (SgemmKernel kernel : kernels()) {
                    float[] want = pr.run(kernel, P1);
                    Numerics.assertAllFinite("C", want);
                    for (Parallel pool : new Parallel[]{P1, P2, P4}) {
                        PackedB pb = PackedB.pack(kernel, pool, tb, k, n, pr.b, pr.offB, pr.ldb);
                        float[] got = pr.c0.clone();
                        Sgemm.gemm(pool, ta, m, n, k, pr.alpha, pr.a, pr.offA, pr.lda, pb, pr.beta, got, pr.offC,
                                pr.ldc);
                        assertArrayEquals(want, got, kernel.name() + " ta=" + ta + " tb=" + tb + " threads="
                                + Parallel.threads(pool));
                    }
                }
            }
    }

    @Test
    void prepackedBOfAnotherShapeIsRefused() {
        float[] b = new float[12 * 5], a = new float[3 * 12], c = new float[3 * 4];
        PackedB pb = PackedB.pack(P1, false, 12, 5, b, 0, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.gemm(P1, false, 3, 4, 12, 1f, a, 0, 12, pb, 0f, c, 0, 4));
        assertTrue(e.getMessage().contains("(12, 4)") && e.getMessage().contains("(12, 5)"), e.getMessage());
    }

    @Test
    void testJvmRunsTheVectorKernel() {
        // surefire adds jdk.incubator.vector, so the fast kernel is the one under test; without it, scalar.
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(module, Sgemm.kernel().startsWith("vector"), "kernel " + Sgemm.kernel());
        assertTrue(Sgemm.defaultKernel().nr() % 4 == 0, "nr");
    }

    private static float[] inside(Problem pr, float[] c) {
        float[] out = new float[pr.m * pr.n];
        for (int i = 0; i < pr.m; i++) System.arraycopy(c, pr.offC + i * pr.ldc, out, i * pr.n, pr.n);
        return out;
    }

    private static double[] inside(Problem pr, double[] c) {
        double[] out = new double[pr.m * pr.n];
        for (int i = 0; i < pr.m; i++) System.arraycopy(c, pr.offC + i * pr.ldc, out, i * pr.n, pr.n);
        return out;
    }

    /** Padding between rows and the prefix before offC must come back untouched. */
    private static void assertOutsideUnchanged(String what, Problem pr, float[] got) {
        for (int q = 0; q < got.length; q++) {
            int rel = q - pr.offC, i = rel / Math.max(pr.ldc, 1), j = rel % Math.max(pr.ldc, 1);
            boolean in = rel >= 0 && i < pr.m && j < pr.n;
            if (!in) assertEquals(Float.floatToRawIntBits(pr.c0[q]), Float.floatToRawIntBits(got[q]), what
                    + " outside C at " + q);
        }
    }
}
