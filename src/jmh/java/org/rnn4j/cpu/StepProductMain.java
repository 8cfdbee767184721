package org.rnn4j.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * The recurrences' per-step products alone, on one thread, timed by that thread's CPU time (so that other
 * processes on the machine do not count): C (m,n) += A (m,k)·B with B packed once, as a cell's step does. Prints
 * the best of 15 rounds of 200 products. Usage: StepProductMain [m,n,k ...] (default: the benchmark shapes).
 */
public final class StepProductMain {
    public static void main(String[] args) {
        String[] shapes = args.length > 0 ? args
                : new String[]{"32,1024,256", "32,256,1024", "16,512,128", "16,128,512", "64,1024,256", "1,1024,256"};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SplittableRandom r = new SplittableRandom(1);
        System.out.println("# sgemm kernel " + Sgemm.kernel());
        for (String shape : shapes) {
            String[] p = shape.split(",");
            int m = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]);
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
            PackedB pb = PackedB.pack(null, false, k, n, b, 0, n);
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 15; round++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < 200; i++) Sgemm.gemm(null, false, m, n, k, 1f, a, 0, k, pb, 0f, c, 0, n);
                best = Math.min(best, (mx.getCurrentThreadCpuTime() - t0) / 1e3 / 200);
            }
            System.out.printf("%dx%dx%d: %.1f us CPU per product, %.1f GFLOP/s%n", m, n, k, best,
                    2.0 * m * n * k / best / 1e3);
        }
    }
}
