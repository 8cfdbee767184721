package org.rnn4j.cpu;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The measurements behind "what limits the remaining gap" in docs/benchmarks.md, one thread each, wall time, best
 * of several rounds after warm-up. Usage: CpuLimitsMain [peak] [kernels] [sequence] [pollute] [colsum]
 * (default: all). Needs --add-modules jdk.incubator.vector.
 * <ul>
 *   <li>peak: back-to-back AVX-512 FMAs on 16 independent registers, the core's FMA ceiling in GFLOP/s;</li>
 *   <li>sequence: one 16-row block of the main job's LSTM step (N,D,H = 16,32,256) as a thread runs it: input
 *       product, recurrent product (Wh packed), pointwise step, µs each;</li>
 *   <li>pollute: the 16×1024×256 recurrent product alone, then with 256 KB and 1 MB of other data written between
 *       products (what evicts the packed Wh from L2);</li>
 *   <li>colsum: the column sum of a 2048×1024 array in cache and of arrays cycled through 320 MB;</li>
 *   <li>kernels: the Vector API and the plain-Java GEMM kernels (the one without the module) on one
 *       cache-resident tile.</li>
 * </ul>
 */
public final class CpuLimitsMain {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    public static void main(String[] args) {
        java.util.List<String> what = java.util.List.of(args.length > 0 ? args
                : new String[]{"peak", "kernels", "sequence", "pollute", "colsum"});
        if (what.contains("peak")) peak();
        if (what.contains("sequence")) sequence();
        if (what.contains("pollute")) pollute();
        if (what.contains("colsum")) colsum();
        if (what.contains("kernels")) kernels();
    }

    private static void peak() {
        double best = 0;
        for (int round = 0; round < 10; round++) {
            long t0 = System.nanoTime();
            float sink = fmaChains(5_000_000);
            long t1 = System.nanoTime();
            best = Math.max(best, 5_000_000.0 * 16 * S.length() * 2 / (t1 - t0) + (sink == 42 ? 1 : 0));
        }
        System.out.printf("peak: %.1f GFLOP/s (16 independent FMA chains of %d lanes)%n", best, S.length());
    }

    private static float fmaChains(int iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999f), x = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 0f), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7), a8 = a0.add(8), a9 = a0.add(9);
        FloatVector a10 = a0.add(10), a11 = a0.add(11), a12 = a0.add(12), a13 = a0.add(13), a14 = a0.add(14);
        FloatVector a15 = a0.add(15);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(m, x); a1 = a1.fma(m, x); a2 = a2.fma(m, x); a3 = a3.fma(m, x);
            a4 = a4.fma(m, x); a5 = a5.fma(m, x); a6 = a6.fma(m, x); a7 = a7.fma(m, x);
            a8 = a8.fma(m, x); a9 = a9.fma(m, x); a10 = a10.fma(m, x); a11 = a11.fma(m, x);
            a12 = a12.fma(m, x); a13 = a13.fma(m, x); a14 = a14.fma(m, x); a15 = a15.fma(m, x);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .add(a12).add(a13).add(a14).add(a15).reduceLanes(VectorOperators.ADD);
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-scale, scale);
        return a;
    }

    private static void sequence() {
        int m = 16, h = 256, g = 4 * h, d = 32, steps = 64;
        SplittableRandom r = new SplittableRandom(1);
        float[] x = random(r, steps * m * d, 1), hs = new float[(steps + 1) * m * h], gates = new float[m * g];
        float[] b = new float[g], cs = new float[2 * m * h];
        PackedB wh = PackedB.pack(null, false, h, g, random(r, h * g, 0.1), 0, g);
        PackedB wx = PackedB.pack(null, false, d, g, random(r, d * g, 0.1), 0, g);
        Pointwise pw = VectorSupport.load("VectorPointwise", Pointwise.class, Pointwise.SCALAR);
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        for (int round = 0; round < 30; round++) {
            long[] sum = new long[3];
            for (int t = 0; t < steps; t++) {
                long t0 = System.nanoTime();
                Sgemm.gemm(null, false, m, g, d, 1f, x, t * m * d, d, wx, 0f, gates, 0, g);
                long t1 = System.nanoTime();
                Sgemm.gemm(null, false, m, g, h, 1f, hs, t * m * h, h, wh, 1f, gates, 0, g);
                long t2 = System.nanoTime();
                pw.lstmForward(m, h, gates, 0, b, cs, (t % 2) * m * h, cs, ((t + 1) % 2) * m * h, hs, (t + 1) * m * h);
                long t3 = System.nanoTime();
                sum[0] += t1 - t0;
                sum[1] += t2 - t1;
                sum[2] += t3 - t2;
            }
            for (int i = 0; i < 3; i++) best[i] = Math.min(best[i], sum[i] / 1e3 / steps);
        }
        System.out.printf("sequence (16 rows, D=32, H=256, per step): input product %.1f us, recurrent product %.1f us,"
                + " pointwise %.1f us%n", best[0], best[1], best[2]);
    }

    private static void pollute() {
        int m = 16, n = 1024, k = 256;
        SplittableRandom r = new SplittableRandom(1);
        float[] a = random(r, m * k, 1), c = new float[m * n], ring = new float[64 << 18];
        PackedB pb = PackedB.pack(null, false, k, n, random(r, k * n, 1), 0, n);
        int pos = 0;
        for (int kb : new int[]{0, 256, 1024}) {
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 8; round++) {
                long total = 0;
                for (int i = 0; i < 300; i++) {
                    long t0 = System.nanoTime();
                    Sgemm.gemm(null, false, m, n, k, 1f, a, 0, k, pb, 1f, c, 0, n);
                    total += System.nanoTime() - t0;
                    for (int j = 0; j < kb * 256; j++) {   // kb KB of floats written between products
                        ring[pos] = ring[pos] * 0.5f + 1f;
                        if (++pos == ring.length) pos = 0;
                    }
                }
                if (round > 2) best = Math.min(best, total / 300 / 1e3);
            }
            System.out.printf("pollute: 16x1024x256 product with %d KB written between products: %.1f us%n", kb, best);
        }
    }

    private static void colsum() {
        int rows = 2048, cols = 1024, arrays = 40;
        float[][] big = new float[arrays][rows * cols];
        for (float[] x : big) java.util.Arrays.fill(x, 1f);
        float[] out = new float[cols];
        double hot = Double.MAX_VALUE, cold = Double.MAX_VALUE;
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) CpuKernels.columnSum(big[0], 0, rows, cols, out, 0);
            long t1 = System.nanoTime();
            for (int i = 0; i < 20; i++) CpuKernels.columnSum(big[1 + i % (arrays - 1)], 0, rows, cols, out, 0);
            long t2 = System.nanoTime();
            hot = Math.min(hot, (t1 - t0) / 20e6);
            cold = Math.min(cold, (t2 - t1) / 20e6);
        }
        double mb = rows * cols * 4 / 1e6;
        System.out.printf("colsum 2048x1024 (%.1f MB): same array %.2f ms (%.1f GB/s), cycling %d arrays %.2f ms"
                + " (%.1f GB/s)%n", mb, hot, mb / hot, arrays - 1, cold, mb / cold);
    }

    /** The vector and the plain-Java GEMM kernels on one cache-resident 8-row tile, k = 256. */
    private static void kernels() {
        SplittableRandom r = new SplittableRandom(2);
        for (SgemmKernel kernel : new SgemmKernel[]{Sgemm.defaultKernel(), new ScalarSgemmKernel()}) {
            int kc = 256, nr = kernel.nr();
            float[] ap = random(r, SgemmKernel.MR * kc, 1), bp = random(r, nr * kc, 1);
            float[] acc = new float[SgemmKernel.MR * nr];
            double best = 0;
            for (int round = 0; round < 8; round++) {
                int calls = 5000;
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) kernel.tile(kc, ap, 0, bp, 0, nr, acc);
                best = Math.max(best, 2.0 * SgemmKernel.MR * nr * kc * calls / (System.nanoTime() - t0)
                        + (acc[3] == 42 ? 1 : 0));
            }
            System.out.printf("kernels: %s tile (8x%d, k=256, cache-resident): %.1f GFLOP/s%n", kernel.name(), nr,
                    best);
        }
    }
}
