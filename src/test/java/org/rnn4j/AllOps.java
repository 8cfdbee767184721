package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.rnn4j.Numerics.uniform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * All the cell operations of the public API (RNN, LSTM, GRU) on one backend, on one set of fresh random inputs, every
 * output
 * downloaded by name: for the tests that compare backends (emulated device, GPU) and whole runs bit for bit
 * (determinism, concurrency).
 */
public final class AllOps {
    private AllOps() {}

    public record Shape(int N, int T, int D, int H) {
        @Override
        public String toString() { return "N=" + N + " T=" + T + " D=" + D + " H=" + H; }
    }

    /** Random inputs of every operation: sequences (N,T,·), steps (N,·), RNN, LSTM and GRU parameters. */
    public record Inputs(Shape s, float[] x, float[] h0, float[] c0, float[] rWx, float[] rWh, float[] rB,
                  float[] lWx, float[] lWh, float[] lB, float[] dh, float[] dcT,
                  float[] xStep, float[] dNextH, float[] dNextC,
                  float[] gWx, float[] gWh, float[] gBx, float[] gBh) {
        public static Inputs random(SplittableRandom r, Shape s) {
            int N = s.N, T = s.T, D = s.D, H = s.H, G = 4 * H, G3 = 3 * H;
            return new Inputs(s, uniform(r, N * T * D, 1), uniform(r, N * H, 1), uniform(r, N * H, 1),
                    uniform(r, D * H, 0.5), uniform(r, H * H, 0.5), uniform(r, H, 0.5),
                    uniform(r, D * G, 0.5), uniform(r, H * G, 0.5), uniform(r, G, 0.5),
                    uniform(r, N * T * H, 1), uniform(r, N * H, 1),
                    uniform(r, N * D, 1), uniform(r, N * H, 1), uniform(r, N * H, 1),
                    uniform(r, D * G3, 0.5), uniform(r, H * G3, 0.5), uniform(r, G3, 0.5), uniform(r, G3, 0.5));
        }
    }

    /** Every operation on inputs drawn from {@code seed}. */
    public static Map<String, float[]> run(Backend b, long seed, int N, int T, int D, int H) {
        return run(b, Inputs.random(new SplittableRandom(seed), new Shape(N, T, D, H)));
    }

    /** Runs every operation on {@code b}; returns each output by name. Closes every tensor it made. */
    public static Map<String, float[]> run(Backend b, Inputs in) {
        int N = in.s.N, T = in.s.T, D = in.s.D, H = in.s.H, G = 4 * H;
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Tensor x = b.tensor(in.x, N, T, D); Tensor h0 = b.tensor(in.h0, N, H); Tensor c0 = b.tensor(in.c0, N, H);
             Tensor rWx = b.tensor(in.rWx, D, H); Tensor rWh = b.tensor(in.rWh, H, H); Tensor rB = b.tensor(in.rB, H);
             Tensor lWx = b.tensor(in.lWx, D, G); Tensor lWh = b.tensor(in.lWh, H, G); Tensor lB = b.tensor(in.lB, G);
             Tensor dh = b.tensor(in.dh, N, T, H); Tensor dcT = b.tensor(in.dcT, N, H);
             Tensor xs = b.tensor(in.xStep, N, D); Tensor dNextH = b.tensor(in.dNextH, N, H);
             Tensor dNextC = b.tensor(in.dNextC, N, H);
             Tensor gWx = b.tensor(in.gWx, D, 3 * H); Tensor gWh = b.tensor(in.gWh, H, 3 * H);
             Tensor gBx = b.tensor(in.gBx, 3 * H); Tensor gBh = b.tensor(in.gBh, 3 * H)) {
            try (Rnn.StepOutput f = b.rnnStepForward(xs, h0, rWx, rWh, rB);
                 Rnn.StepGradients g = b.rnnStepBackward(dNextH, f.cache())) {
                put(out, "rnnStep", new String[]{"nextH", "dx", "dPrevH", "dWx", "dWh", "db"},
                        f.nextH(), g.dx(), g.dPrevH(), g.dWx(), g.dWh(), g.db());
            }
            try (Rnn.Output f = b.rnnForward(x, h0, rWx, rWh, rB); Rnn.Gradients g = b.rnnBackward(dh, f.cache())) {
                put(out, "rnn", new String[]{"h", "dx", "dh0", "dWx", "dWh", "db"}, f.h(), g.dx(), g.dh0(), g.dWx(),
                        g.dWh(), g.db());
            }
            try (Lstm.StepOutput f = b.lstmStepForward(xs, h0, c0, lWx, lWh, lB);
                 Lstm.StepGradients g = b.lstmStepBackward(dNextH, dNextC, f.cache())) {
                put(out, "lstmStep", new String[]{"nextH", "nextC", "dx", "dPrevH", "dPrevC", "dWx", "dWh", "db"},
                        f.nextH(), f.nextC(), g.dx(), g.dPrevH(), g.dPrevC(), g.dWx(), g.dWh(), g.db());
            }
            try (Lstm.Output f = b.lstmForward(x, h0, c0, lWx, lWh, lB);
                 Lstm.Gradients g = b.lstmBackward(dh, dcT, f.cache())) {
                put(out, "lstm", new String[]{"h", "cT", "dx", "dh0", "dc0", "dWx", "dWh", "db"},
                        f.h(), f.cT(), g.dx(), g.dh0(), g.dc0(), g.dWx(), g.dWh(), g.db());
            }
            // c0 and dcT omitted: the backend fills zeros on the device itself.
            try (Lstm.Output f = b.lstmForward(x, h0, lWx, lWh, lB); Lstm.Gradients g = b.lstmBackward(dh, f.cache())) {
                put(out, "lstmZeroC", new String[]{"h", "cT", "dx", "dc0"}, f.h(), f.cT(), g.dx(), g.dc0());
            }
            try (Gru.StepOutput f = b.gruStepForward(xs, h0, gWx, gWh, gBx, gBh);
                 Gru.StepGradients g = b.gruStepBackward(dNextH, f.cache())) {
                put(out, "gruStep", new String[]{"nextH", "dx", "dPrevH", "dWx", "dWh", "dbx", "dbh"},
                        f.nextH(), g.dx(), g.dPrevH(), g.dWx(), g.dWh(), g.dbx(), g.dbh());
            }
            try (Gru.Output f = b.gruForward(x, h0, gWx, gWh, gBx, gBh); Gru.Gradients g = b.gruBackward(dh, f.cache());
                 Tensor inf = b.gruInference(x, h0, gWx, gWh, gBx, gBh)) {
                put(out, "gru", new String[]{"h", "dx", "dh0", "dWx", "dWh", "dbx", "dbh", "inferenceH"},
                        f.h(), g.dx(), g.dh0(), g.dWx(), g.dWh(), g.dbx(), g.dbh(), inf);
            }
        }
        return out;
    }

    private static void put(Map<String, float[]> out, String op, String[] names, Tensor... ts) {
        for (int i = 0; i < names.length; i++) out.put(op + "." + names[i], ts[i].toArray());
    }

    /** Every output of {@code got} within FP32_TOL of {@code want} by relative norm error; NaN anywhere fails. */
    public static void assertClose(Map<String, float[]> want, Map<String, float[]> got, String label) {
        assertEquals(want.keySet(), got.keySet(), label + ": outputs");
        for (String k : want.keySet())
            Numerics.assertClose(label + " " + k, got.get(k), Numerics.toDouble(want.get(k)), Numerics.FP32_TOL);
    }

    /**
     * Four threads share {@code tested}, each running every operation {@code runs} times on fresh inputs of
     * {@code shape} and comparing with {@code reference} ({@link #assertClose}); waits at most {@code timeoutSeconds}.
     */
    public static void assertConcurrentRunsClose(Backend reference, Backend tested, Shape shape, int runs,
                                                 int timeoutSeconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++)
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < runs; i++) {
                        Inputs in = Inputs.random(Numerics.random(), shape);
                        assertClose(run(reference, in), run(tested, in), "thread " + Thread.currentThread().getName());
                    }
                    return null;
                }));
            for (Future<?> f : jobs) f.get(timeoutSeconds, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Two runs on the same inputs must agree bit for bit (no atomics, fixed summation order). */
    public static void assertBitIdentical(String label, Map<String, float[]> a, Map<String, float[]> b) {
        assertEquals(a.keySet(), b.keySet(), label + ": outputs");
        for (String k : a.keySet()) {
            float[] x = a.get(k), y = b.get(k);
            assertEquals(x.length, y.length, label + " " + k + ": length");
            for (int i = 0; i < x.length; i++)
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i]))
                    fail(label + " " + k + "[" + i + "] differs between two identical runs: " + x[i] + " vs " + y[i]);
        }
    }
}
