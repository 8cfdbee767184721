package org.rnn4j.cuda;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.rnn4j.Backend;
import org.rnn4j.Gru;
import org.rnn4j.Lstm;
import org.rnn4j.Numerics;
import org.rnn4j.Rnn;
import org.rnn4j.Tensor;
import org.rnn4j.cuda.BenchTiming.Op;
import org.rnn4j.cuda.BenchTiming.Samples;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.extension.Extension;

/**
 * Sequence forward and backward of the LSTM and the RNN, timed with CUDA events on the stream the backend uses
 * after warm-up, median of repeats; beside them, measured in the same run on the same
 * GPU, the FP32 SGEMM peak (a large cuBLAS SGEMM through the backend's own Compute, so the same handle and math
 * mode: CUBLAS_DEFAULT_MATH, no TF32) and a device-to-device copy bandwidth. Per size: FLOPs and non-GEMM bytes
 * counted from the backend's own call sequence ({@link CellCost}), GFLOP/s, the fraction of the measured peak, and
 * a floor (FLOPs at the measured peak plus bytes at the measured copy bandwidth). Prints a Markdown table, and
 * with --json writes everything (every sample too) for bench/gpu_report.py. Timings are never asserted anywhere.
 *
 * <p>Backward reuses one forward's cache, as it may (backward only reads it), so forward time is not in backward
 * time. Each timed call is the public operation as a user makes it: its argument checks, its buffers (from the
 * backend's block cache after the warm-up calls), launches and GEMMs; the results are closed after the stop event. With
 * --backend cpu the same program times the CPU backend by wall clock: the smoke test
 * that runs here without a GPU (GpuBenchmarkTest).
 *
 * <p>Usage: GpuBenchmark [--sizes deepbench|classic|small|N,T,D,H;...] [--cells lstm,rnn,gru] [--warmup 3]
 * [--repeats 11] [--peak-n 8192] [--peak-repeats 7] [--jit-warmup-s 3] [--backend cuda|cpu] [--json FILE]; a bare
 * number = --repeats.
 */
public final class GpuBenchmark {
    /** DeepBench's LSTM training sizes: H ∈ {512, 1024, 2048}, N ∈ {16, 64, 128}, T = 25, D = H. Rows are N,T,D,H. */
    static final int[][] DEEPBENCH = deepBench();
    static final int[][] CLASSIC = {{32, 50, 128, 128}, {64, 100, 256, 256}, {128, 100, 512, 512},
            {64, 50, 1024, 1024}};
    static final int[][] SMALL = {{4, 5, 16, 16}, {8, 5, 32, 32}};

    private GpuBenchmark() {}

    private static int[][] deepBench() {
        List<int[]> s = new ArrayList<>();
        for (int h : new int[]{512, 1024, 2048})
            for (int n : new int[]{16, 64, 128}) s.add(new int[]{n, 25, h, h});
        return s.toArray(new int[0][]);
    }

    /** One row of the table. Times in ms; samples sorted. */
    record Row(String cell, int n, int t, int d, int h, CellCost cost, Samples fwd, Samples bwd) {}

    /** The measured ceilings; gflops/gbps NaN when not measured. */
    record Ceilings(int peakN, Samples sgemm, double peakGflops, Samples copy, double copyGbps) {}

    public static void main(String[] args) throws Exception {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(o, System.out);
    }

    static void run(BenchOptions o, PrintStream out) throws Exception {
        long start = System.nanoTime();
        SplittableRandom r = new SplittableRandom(42);
        try (Backend be = o.cuda() ? Backend.cuda() : Backend.cpu()) {
            BenchTiming timing = o.cuda() ? BenchTiming.cudaEvents(Extension.compute(be)) : BenchTiming.wallClock();
            String device = Extension.compute(be) instanceof CudaCompute cc ? cc.describe()
                    : be.name() + " backend, " + Runtime.getRuntime().availableProcessors() + " cores";
            jitWarmup(be, o.jitWarmupS(), r);
            Ceilings ceil = ceilings(be, timing, o, r);
            BenchReport.header(out, o, device, timing.name(), ceil);
            List<Row> rows = new ArrayList<>();
            for (int[] s : o.sizes())
                for (String cell : o.cells()) {
                    rows.add(measure(be, timing, o, cell, s, r));
                    BenchReport.row(out, ceil, rows.get(rows.size() - 1));
                    json(o, device, timing, ceil, rows, start, false);
                }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println();
            out.println(String.format(Locale.ROOT, "GpuBenchmark wall time: %.1f s", seconds));
            json(o, device, timing, ceil, rows, start, true);
        }
    }

    /** (Re)writes the JSON after every row, so a run stopped at its time limit keeps the rows it measured. */
    private static void json(BenchOptions o, String device, BenchTiming timing, Ceilings ceil, List<Row> rows,
            long start,
                             boolean complete) throws IOException {
        if (o.json() == null) return;
        Path p = Path.of(o.json());
        if (p.getParent() != null) Files.createDirectories(p.getParent());
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        Files.writeString(tmp, BenchReport.json(o, device, timing.name(), ceil, rows, (System.nanoTime() - start) / 1e9,
                complete));
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The per-call warm-up of each size (a few calls) leaves the JVM's host code (argument checks, the per-step
     * launch and GEMM calls, JCuda marshalling) interpreted or C1-compiled, which would bill launch-bound sizes
     * (N = 16) for the JIT; so first run small forward+backward passes of both cells for a few seconds, until
     * that code is C2-compiled, as it is in any long training run.
     */
    static void jitWarmup(Backend be, int seconds, SplittableRandom r) throws Exception {
        if (seconds == 0) return;
        int n = 16, t = 25, h = 128;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (Tensor x = be.tensor(Numerics.uniform(r, n * t * h, 1), n, t, h);
             Tensor h0 = be.tensor(Numerics.uniform(r, n * h, 1), n, h);
             Tensor wx4 = be.tensor(Numerics.uniform(r, h * 4 * h, 0.1), h, 4 * h);
             Tensor wh4 = be.tensor(Numerics.uniform(r, h * 4 * h, 0.1), h, 4 * h);
             Tensor b4 = be.tensor(Numerics.uniform(r, 4 * h, 0.1), 4 * h);
             Tensor wx = be.tensor(Numerics.uniform(r, h * h, 0.1), h, h);
             Tensor wh = be.tensor(Numerics.uniform(r, h * h, 0.1), h, h);
             Tensor b = be.tensor(Numerics.uniform(r, h, 0.1), h);
             Tensor dh = be.tensor(Numerics.uniform(r, n * t * h, 1), n, t, h)) {
            while (System.nanoTime() < end) {
                try (Lstm.Output out = be.lstmForward(x, h0, wx4, wh4, b4)) {
                    be.lstmBackward(dh, out.cache()).close();
                }
                try (Rnn.Output out = be.rnnForward(x, h0, wx, wh, b)) {
                    be.rnnBackward(dh, out.cache()).close();
                }
            }
        }
    }

    /** SGEMM n³ (A·A, one random matrix) and a copy of the same n² floats, median of repeats each. */
    static Ceilings ceilings(Backend be, BenchTiming timing, BenchOptions o, SplittableRandom r) throws Exception {
        int n = o.peakN();
        if (n == 0) return new Ceilings(0, Samples.NONE, Double.NaN, Samples.NONE, Double.NaN);
        Compute c = Extension.compute(be);
        float[] host = Numerics.uniform(r, n * n, 1);
        Memory a = c.exclusive(() -> c.upload(host)), out = c.exclusive(() -> c.alloc((long) n * n));
        try (a; out) {
            Op gemm = () -> {
                c.exclusive(() -> {
                    c.gemm(false, false, n, n, n, 1f, a, 0, n, a, 0, n, 0f, out, 0, n);
                    return null;
                });
                return () -> {};
            };
            Op copy = () -> {
                c.exclusive(() -> {
                    c.copy(a, 0, out, 0, (long) n * n);
                    return null;
                });
                return () -> {};
            };
            Samples g = timing.samples(gemm, o.warmup(), o.peakRepeats());
            Samples m = timing.samples(copy, o.warmup(), o.peakRepeats());
            return new Ceilings(n, g, 2.0 * n * n * n / g.median() / 1e6, m, 2.0 * 4 * n * n / m.median() / 1e6);
        }
    }

    static Row measure(Backend be, BenchTiming timing, BenchOptions o, String cell, int[] s, SplittableRandom r)
            throws Exception {
        int n = s[0], t = s[1], d = s[2], h = s[3], g = CellCost.gates(cell) * h;
        CellCost cost = CellCost.count(cell, n, t, d, h);
        try (Tensor x = be.tensor(Numerics.uniform(r, n * t * d, 1), n, t, d);
             Tensor h0 = be.tensor(Numerics.uniform(r, n * h, 1), n, h);
             Tensor wx = be.tensor(Numerics.uniform(r, d * g, 0.1), d, g);
             Tensor wh = be.tensor(Numerics.uniform(r, h * g, 0.1), h, g);
             Tensor b = be.tensor(Numerics.uniform(r, g, 0.1), g);
             Tensor bh = be.tensor(Numerics.uniform(r, g, 0.1), g);
             Tensor dh = be.tensor(Numerics.uniform(r, n * t * h, 1), n, t, h)) {
            if (cell.equals("gru")) {
                Samples f = timing.samples(() -> be.gruForward(x, h0, wx, wh, b, bh), o.warmup(), o.repeats());
                try (Gru.Output kept = be.gruForward(x, h0, wx, wh, b, bh)) {
                    Samples bw = timing.samples(() -> be.gruBackward(dh, kept.cache()), o.warmup(), o.repeats());
                    return new Row(cell, n, t, d, h, cost, f, bw);
                }
            }
            if (cell.equals("lstm")) {
                Samples f = timing.samples(() -> be.lstmForward(x, h0, wx, wh, b), o.warmup(), o.repeats());
                try (Lstm.Output kept = be.lstmForward(x, h0, wx, wh, b)) {
                    Samples bw = timing.samples(() -> be.lstmBackward(dh, kept.cache()), o.warmup(), o.repeats());
                    return new Row(cell, n, t, d, h, cost, f, bw);
                }
            }
            Samples f = timing.samples(() -> be.rnnForward(x, h0, wx, wh, b), o.warmup(), o.repeats());
            try (Rnn.Output kept = be.rnnForward(x, h0, wx, wh, b)) {
                Samples bw = timing.samples(() -> be.rnnBackward(dh, kept.cache()), o.warmup(), o.repeats());
                return new Row(cell, n, t, d, h, cost, f, bw);
            }
        }
    }

}
