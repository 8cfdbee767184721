package org.rnn4j.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.rnn4j.Backend;
import org.rnn4j.CacheBytes;
import org.rnn4j.Cache;
import org.rnn4j.Lstm;
import org.rnn4j.Rnn;
import org.rnn4j.compute.Memory;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.cpu.PackedB;
import org.rnn4j.cpu.Parallel;
import org.rnn4j.cpu.Sgemm;

/**
 * The Java side of bench/compare_cpu.sh: plain timers (warm-up, then the median of repeats), one CSV line per
 * measurement on stdout: {@code lib,cell,N,T,D,H,phase,median_ms,repeats}.
 * <pre>
 *   cells SIZES...      fwd, bwd, fwdbwd, infer for rnn and lstm at each N,T,D,H
 *   gemm M N K          C = A·B, reports phase "gemm" and GFLOP/s in the last column
 *   memory SIZE         cache bytes per N·T·H: summed over the cache buffers and from the heap
 *   jit CELL SIZE       one JVM's draw of the JIT: fwdbwd median, then the bytes the pointwise steps allocate per
 *                       call (near 0 when C2 intrinsified every Vector API call; kilobytes on the API's fallback)
 *   steps               the cells' per-step products (N×G×H, N×H×G with Bᵀ) for T = 50 steps, B packed at
 *                       every call against B packed once ({@link PackedB}), alternating; phase "step" / "step-packed"
 * </pre>
 * Threads: the CPU backend uses one worker per available processor (the script pins 2).
 */
public final class BenchMain {
    static int repeats = Integer.getInteger("repeats", 7);
    /**
     * -Dphases=fwdbwd,infer times only those phases of {@code cells} (default: all four); -Dcells=lstm only that cell.
     */
    static final java.util.List<String> PHASES = java.util.List.of(System.getProperty("phases",
            "fwd,bwd,fwdbwd,infer").split(","));
    static final java.util.List<String> CELLS = java.util.List.of(System.getProperty("cells", "rnn,lstm").split(","));

    public static void main(String[] args) {
        System.err.println("# sgemm kernel: " + Sgemm.kernel() + ", processors "
                + Runtime.getRuntime().availableProcessors());
        switch (args[0]) {
            case "cells" -> cells(Arrays.copyOfRange(args, 1, args.length));
            case "gemm" -> gemm(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "memory" -> memory(args[1]);
            case "steps" -> steps();
            case "jit" -> jit(args[1], args[2]);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    static void cells(String[] sizes) {
        try (Backend be = Backend.cpu()) {
            for (String size : sizes)
                for (String cell : CELLS)
                    try (Workload w = Workload.parse(be, cell, size)) {
                        w.prepareBackward();
                        warmUp(w);
                        if (PHASES.contains("fwd")) report(w, "fwd", time(w::forward));
                        if (PHASES.contains("bwd")) report(w, "bwd", time(w::backward));
                        if (PHASES.contains("fwdbwd")) report(w, "fwdbwd", time(w::forwardBackward));
                        if (PHASES.contains("infer")) report(w, "infer", time(w::inference));
                    }
        }
    }

    static void jit(String cell, String size) {
        try (Backend be = Backend.cpu(); Workload w = Workload.parse(be, cell, size)) {
            w.prepareBackward();
            warmUp(w);
            double ms = time(w::forwardBackward);
            System.out.printf("rnn4j,%s,%d,%d,%d,%d,fwdbwd,%.4f,%d,%d%n", w.cell, w.N, w.T, w.D, w.H, ms, repeats,
                    pointwiseBytesPerCall(w.N, w.H));
        }
    }

    /** Heap bytes one LSTM forward+backward pointwise step pair allocates on this thread, after 2,000 warm calls. */
    static long pointwiseBytesPerCall(int n, int h) {
        CpuCompute c = new CpuCompute(1); // one thread: all allocation happens on this one
        SplittableRandom r = new SplittableRandom(9);
        Memory g = c.upload(GemmBenchmark.random(r, 4 * n * h)), b = c.upload(GemmBenchmark.random(r, 4 * h));
        Memory cp = c.upload(GemmBenchmark.random(r, n * h)), cc = c.alloc(n * h), hh = c.alloc(n * h);
        Memory dh = c.upload(GemmBenchmark.random(r, n * h)), dc = c.upload(GemmBenchmark.random(r, n * h)),
                da = c.alloc(4L * n * h);
        Runnable pair = () -> {
            c.lstmForwardPointwise(n, h, g, 0, b, cp, 0, cc, 0, hh, 0);
            c.lstmBackwardPointwise(n, h, g, 0, cp, 0, cc, 0, dh, 0, dh, 0, dc, 0, da, 0);
        };
        for (int i = 0; i < 2000; i++) pair.run();
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId(), before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100; i++) pair.run();
        long bytes = (mx.getThreadAllocatedBytes(id) - before) / 100;
        c.shutdown();
        return bytes;
    }

    static void report(Workload w, String phase, double ms) {
        System.out.printf("rnn4j,%s,%d,%d,%d,%d,%s,%.4f,%d%n", w.cell, w.N, w.T, w.D, w.H, phase, ms, repeats);
    }

    /** Every phase in turn for at least 2 s and 5 rounds, so the JIT has compiled all of them before timing. */
    static void warmUp(Workload w) {
        long start = System.nanoTime();
        for (int i = 0; i < 5 || System.nanoTime() - start < 2_000_000_000L; i++) {
            w.forward();
            w.backward();
            w.forwardBackward();
            w.inference();
            if (i > 200) break;
        }
    }

    /**
     * -Dclock=cpu: the calling thread's CPU time instead of wall time; with -XX:ActiveProcessorCount=1 (one thread,
     * all work on the caller) the work a call costs even while other processes load the machine.
     */
    static final boolean CPU_CLOCK = "cpu".equals(System.getProperty("clock"));
    static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

    static long clock() { return CPU_CLOCK ? MX.getCurrentThreadCpuTime() : System.nanoTime(); }

    /** Milliseconds: warm-up until ~1 s or 10 runs have passed (JIT), then the median of {@link #repeats}. */
    static double time(Runnable r) {
        long start = System.nanoTime();
        for (int i = 0; i < 10 && (i < 3 || System.nanoTime() - start < 1_000_000_000L); i++) r.run();
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = clock();
            r.run();
            t[i] = (clock() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[repeats / 2];
    }

    static void gemm(int m, int n, int k) {
        SplittableRandom r = new SplittableRandom(3);
        float[] a = GemmBenchmark.random(r, m * k), b = GemmBenchmark.random(r, k * n), c = new float[m * n];
        Parallel pool = Sgemm.pool(Runtime.getRuntime().availableProcessors());
        double ms = time(() -> Sgemm.gemm(pool, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n));
        if (pool != null) pool.close();
        System.out.printf("rnn4j,gemm,%d,%d,%d,0,gemm,%.4f,%.1f%n", m, n, k, ms, 2.0 * m * n * k / ms / 1e6);
    }

    /** Per-step GEMM shapes of the benchmark sizes: (N, n, k, transB). Microseconds per step, median of rounds. */
    static void steps() {
        int[][] shapes = {{16, 512, 128, 0}, {16, 128, 512, 1}, {64, 1024, 256, 0}, {64, 256, 1024, 1},
                {64, 256, 256, 0}, {64, 256, 256, 1}, {32, 2048, 512, 0}, {32, 512, 2048, 1}, {32, 512, 512, 0},
                {32, 512, 512, 1}};
        Parallel pool = Sgemm.pool(Runtime.getRuntime().availableProcessors());
        SplittableRandom r = new SplittableRandom(5);
        int T = 50, rounds = Math.max(repeats, 9);
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2], ldb = sh[3] == 1 ? k : n;
            boolean tb = sh[3] == 1;
            float[] a = GemmBenchmark.random(r, T * m * k), b = GemmBenchmark.random(r, k * n),
                    c = new float[T * m * n];
            double[] plain = new double[rounds], packed = new double[rounds];
            long warmUntil = System.nanoTime() + 1_000_000_000L;
            for (int i = 0, timed = -1; timed < rounds; i++) { // warm-up: at least 3 rounds and a second
                long t0 = System.nanoTime();
                for (int t = 0; t < T; t++) Sgemm.gemm(pool, false, tb, m, n, k, 1f, a, t * m * k, k, b, 0, ldb, 1f, c,
                        t * m * n, n);
                long t1 = System.nanoTime();
                PackedB pb = PackedB.pack(pool, tb, k, n, b, 0, ldb); // packing counted: once per sequence call
                for (int t = 0; t < T; t++)
                    Sgemm.gemm(pool, false, m, n, k, 1f, a, t * m * k, k, pb, 1f, c, t * m * n, n);
                long t2 = System.nanoTime();
                if (timed < 0 && i >= 3 && t2 > warmUntil) timed = 0;
                else if (timed >= 0) { plain[timed] = (t1 - t0) / 1e3 / T; packed[timed] = (t2 - t1) / 1e3 / T; timed++;
                        }
            }
            Arrays.sort(plain);
            Arrays.sort(packed);
            String shape = String.format("%d,%d,%d,%s", m, n, k, tb ? "T" : "N");
            System.out.printf("rnn4j,gemm,%s,step,%.2f,%.1f%n", shape, plain[rounds / 2],
                    2.0 * m * n * k / plain[rounds / 2] / 1e3);
            System.out.printf("rnn4j,gemm,%s,step-packed,%.2f,%.1f%n", shape, packed[rounds / 2],
                    2.0 * m * n * k / packed[rounds / 2] / 1e3);
        }
        if (pool != null) pool.close();
    }

    /**
     * Cache memory: exact (summed buffer sizes) and from the heap (bytes retained while only the cache is alive;
     * the outputs are dropped first). Columns: exact, heap, input bytes, exact and heap per N·T·H without x.
     */
    static void memory(String size) {
        try (Backend be = Backend.cpu()) {
            for (String cell : new String[]{"rnn", "lstm"})
                try (Workload w = Workload.parse(be, cell, size)) {
                    long nth = (long) w.N * w.T * w.H;
                    AutoCloseable warm = cacheOnly(be, w); // one-off allocations happen before the baseline
                    close(warm);
                    warm = null;
                    long before = usedHeap();
                    AutoCloseable cache = cacheOnly(be, w);
                    long heap = usedHeap() - before;
                    long exact = CacheBytes.of((Cache) cache);
                    long input = CacheBytes.inputBytes((Cache) cache);
                    System.out.printf("rnn4j,%s,%d,%d,%d,%d,memory,%d,%d,%d,%.3f,%.3f%n", cell, w.N, w.T, w.D, w.H,
                            exact, heap, input, (double) (exact - input) / nth, (double) (heap - input) / nth);
                    close(cache);
                }
        }
    }

    /** Runs the training forward and returns only its cache (outputs closed and unreachable). */
    static AutoCloseable cacheOnly(Backend be, Workload w) {
        if (w.lstm()) {
            Lstm.Output o = be.lstmForward(w.x, w.h0, w.c0, w.wx, w.wh, w.b);
            o.h().close();
            o.cT().close();
            return o.cache();
        }
        Rnn.Output o = be.rnnForward(w.x, w.h0, w.wx, w.wh, w.b);
        o.h().close();
        return o.cache();
    }

    static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
