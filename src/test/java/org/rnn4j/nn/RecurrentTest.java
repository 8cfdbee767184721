package org.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.Numerics.FP32_TOL;
import static org.rnn4j.Numerics.assertClose;
import static org.rnn4j.Numerics.toDouble;
import static org.rnn4j.Numerics.uniform;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rnn4j.Backend;
import org.rnn4j.Numerics;
import org.rnn4j.Tensor;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.extension.Extension;
import org.rnn4j.nn.Recurrent.Kind;

/**
 * {@link Recurrent}'s semantics without PyTorch: an example in a variable-length batch computes what it computes
 * alone (outputs, final states and gradients, weight gradients summing over examples), padding changes nothing,
 * one layer equals the Backend operation bit for bit, dropout is seeded, and bad calls fail clearly.
 */
class RecurrentTest {
    static final Backend CPU = Backend.cpu();

    @AfterAll
    static void close() { CPU.close(); }

    static Tensor random(SplittableRandom r, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return CPU.tensor(uniform(r, n, 1.0), shape);
    }

    /** Rows [from, from+count) of axis 1 of a (A, B, C) array. */
    static float[] slice1(float[] a, int[] shape, int index, int count) {
        int b = shape[1], c = shape[2];
        float[] out = new float[shape[0] * count * c];
        for (int i = 0; i < shape[0]; i++)
            System.arraycopy(a, (i * b + index) * c, out, i * count * c, count * c);
        return out;
    }

    /** Example n's first len steps of a (N,T,C) array. */
    static float[] steps(float[] a, int t, int c, int n, int len) {
        return Arrays.copyOfRange(a, n * t * c, n * t * c + len * c);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachExampleOfARaggedBatchComputesWhatItComputesAlone(Kind kind) {
        SplittableRandom r = Numerics.random();
        int N = 4, T = 6, D = 3, H = 5;
        int[] lengths = {3, 6, 1, 4};
        Recurrent.Config cfg = new Recurrent.Config(kind, D, H, 2, true, 0);
        boolean lstm = kind == Kind.LSTM;
        int S = cfg.states(), C = 2 * H;
        try (Recurrent layer = Recurrent.create(CPU, cfg, r.nextLong());
             Tensor x = random(r, N, T, D); Tensor h0 = random(r, S, N, H); Tensor c0 = lstm ? random(r, S, N,
                     H) : null;
             Tensor dOut = random(r, N, T, C); Tensor dhN = random(r, S, N, H); Tensor dcN = lstm ? random(r, S, N,
                     H) : null;
             Recurrent.Output o = layer.forward(x, lengths, h0, c0, 0);
             Recurrent.Gradients g = layer.backward(dOut, dhN, dcN, o.cache())) {
            float[] out = o.out().toArray(), dx = g.dx().toArray();
            double[][] wsum = new double[cfg.states() * 4][];
            for (int n = 0; n < N; n++) {
                int len = lengths[n];
                for (int s = len; s < T; s++)
                    for (int j = 0; j < C; j++) assertEquals(0f, out[(n * T + s) * C + j], "out past the end is zero");
                try (Tensor xn = CPU.tensor(steps(x.toArray(), T, D, n, len), 1, len, D);
                     Tensor h0n = CPU.tensor(slice1(h0.toArray(), h0.shape(), n, 1), S, 1, H);
                     Tensor c0n = lstm ? CPU.tensor(slice1(c0.toArray(), c0.shape(), n, 1), S, 1, H) : null;
                     Tensor dOutn = CPU.tensor(steps(dOut.toArray(), T, C, n, len), 1, len, C);
                     Tensor dhNn = CPU.tensor(slice1(dhN.toArray(), dhN.shape(), n, 1), S, 1, H);
                     Tensor dcNn = lstm ? CPU.tensor(slice1(dcN.toArray(), dcN.shape(), n, 1), S, 1, H) : null;
                     Recurrent.Output on = layer.forward(xn, null, h0n, c0n, 0);
                     Recurrent.Gradients gn = layer.backward(dOutn, dhNn, dcNn, on.cache())) {
                    String at = kind + " example " + n + " (length " + len + ")";
                    assertClose(at + " out", steps(out, T, C, n, len), toDouble(on.out().toArray()), FP32_TOL);
                    assertClose(at + " hN", slice1(o.hN().toArray(), o.hN().shape(), n, 1), toDouble(on.hN().toArray()),
                            FP32_TOL);
                    if (lstm) assertClose(at + " cN", slice1(o.cN().toArray(), o.cN().shape(), n, 1),
                            toDouble(on.cN().toArray()), FP32_TOL);
                    assertClose(at + " dx", steps(dx, T, D, n, len), toDouble(gn.dx().toArray()), FP32_TOL);
                    for (int s = len; s < T; s++)
                        for (int j = 0; j < D; j++) assertEquals(0f, dx[(n * T + s) * D + j], "no gradient to padding");
                    assertClose(at + " dh0", slice1(g.dh0().toArray(), g.dh0().shape(), n, 1),
                            toDouble(gn.dh0().toArray()), FP32_TOL);
                    if (lstm) assertClose(at + " dc0", slice1(g.dc0().toArray(), g.dc0().shape(), n, 1),
                            toDouble(gn.dc0().toArray()), FP32_TOL);
                    for (int k = 0; k < cfg.states(); k++) {
                        Recurrent.Weights w = gn.weights().get(k);
                        Tensor[] parts = {w.wx(), w.wh(), w.b(), w.bh()};
                        for (int p = 0; p < 4; p++) {
                            if (parts[p] == null) continue;
                            float[] v = parts[p].toArray();
                            if (wsum[4 * k + p] == null) wsum[4 * k + p] = new double[v.length];
                            for (int i = 0; i < v.length; i++) wsum[4 * k + p][i] += v[i];
                        }
                    }
                }
            }
            for (int k = 0; k < cfg.states(); k++) {
                Recurrent.Weights w = g.weights().get(k);
                Tensor[] parts = {w.wx(), w.wh(), w.b(), w.bh()};
                for (int p = 0; p < 4; p++)
                    if (parts[p] != null)
                        assertClose(kind + " weight gradient " + k + "." + p + " is the sum over examples",
                                parts[p].toArray(),
                                wsum[4 * k + p], FP32_TOL);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void paddedInputIsNeverRead(Kind kind) {
        SplittableRandom r = Numerics.random();
        int N = 3, T = 5, D = 2, H = 3;
        int[] lengths = {2, 5, 4};
        float[] x = uniform(r, N * T * D, 1), y = x.clone();
        for (int n = 0; n < N; n++)
            for (int s = lengths[n]; s < T; s++)
                for (int j = 0; j < D; j++) y[(n * T + s) * D + j] = Float.NaN;
        try (Recurrent layer = Recurrent.create(CPU, new Recurrent.Config(kind, D, H, 2, true, 0), r.nextLong());
             Tensor a = CPU.tensor(x, N, T, D); Tensor b = CPU.tensor(y, N, T, D);
             Recurrent.Result ra = layer.inference(a, lengths, null, null);
             Recurrent.Result rb = layer.inference(b, lengths, null, null)) {
            assertArrayEquals(ra.out().toArray(), rb.out().toArray());
            assertArrayEquals(ra.hN().toArray(), rb.hN().toArray());
        }
    }

    @Test
    void oneLayerIsTheBackendOperationBitForBit() {
        SplittableRandom r = Numerics.random();
        int N = 3, T = 4, D = 5, H = 6;
        try (Tensor x = random(r, N, T, D); Tensor h0 = random(r, 1, N, H); Tensor c0 = random(r, 1, N, H);
             Tensor h0b = CPU.tensor(h0.toArray(), N, H); Tensor c0b = CPU.tensor(c0.toArray(), N, H)) {
            try (Recurrent lstm = Recurrent.create(CPU, Recurrent.Config.of(Kind.LSTM, D, H), r.nextLong());
                 Recurrent.Result mine = lstm.inference(x, null, h0, c0)) {
                Recurrent.Weights w = lstm.weights(0, 0);
                try (var ref = CPU.lstmInference(x, h0b, c0b, w.wx(), w.wh(), w.b())) {
                    assertArrayEquals(ref.h().toArray(), mine.out().toArray());
                    assertArrayEquals(ref.cT().toArray(), mine.cN().toArray());
                }
            }
            try (Recurrent rnn = Recurrent.create(CPU, Recurrent.Config.of(Kind.RNN, D, H), r.nextLong());
                 Recurrent.Result mine = rnn.inference(x, null, h0, null)) {
                Recurrent.Weights w = rnn.weights(0, 0);
                try (Tensor ref = CPU.rnnInference(x, h0b, w.wx(), w.wh(), w.b())) {
                    assertArrayEquals(ref.toArray(), mine.out().toArray());
                }
            }
        }
    }

    @Test
    void dropoutIsSeededAndOnlyInTraining() {
        SplittableRandom r = Numerics.random();
        int N = 3, T = 4, D = 3, H = 8;
        try (Recurrent drop = Recurrent.create(CPU, new Recurrent.Config(Kind.LSTM, D, H, 3, true, 0.5), 7);
             Recurrent none = Recurrent.of(CPU, new Recurrent.Config(Kind.LSTM, D, H, 3, true, 0), copy(drop));
             Tensor x = random(r, N, T, D);
             Recurrent.Output a = drop.forward(x, null, null, null, 1);
             Recurrent.Output b = drop.forward(x, null, null, null, 1);
             Recurrent.Output c = drop.forward(x, null, null, null, 2);
             Recurrent.Output plain = none.forward(x, null, null, null, 1);
             Recurrent.Result inf = drop.inference(x, null, null, null)) {
            assertArrayEquals(a.out().toArray(), b.out().toArray(), "same seed, same bits");
            assertFalse(Arrays.equals(a.out().toArray(), c.out().toArray()), "another seed, another mask");
            assertFalse(Arrays.equals(a.out().toArray(), inf.out().toArray()), "training drops, inference does not");
            assertArrayEquals(plain.out().toArray(), inf.out().toArray(), "no dropout: training forward = inference");
            try (Tensor d = random(r, N, T, 2 * H);
                 Recurrent.Gradients ga = drop.backward(d, null, null, a.cache());
                 Recurrent.Gradients gb = drop.backward(d, null, null, b.cache())) {
                assertArrayEquals(ga.dx().toArray(), gb.dx().toArray(), "same seed, same gradient bits");
                assertArrayEquals(ga.weights().get(0).wx().toArray(), gb.weights().get(0).wx().toArray());
            }
        }
    }

    /** The dropout mask: each element kept with probability 1-p, the kept ones scaled by 1/(1-p). */
    @Test
    void dropoutKeepsAboutOneMinusPAndScales() {
        Compute c = Extension.compute(CPU);
        int len = 20_000;
        float[] src = new float[len];
        Arrays.fill(src, 3f);
        try (Memory s = c.upload(src); Memory mask = Dropout.mask(c, len, 0.25, new SplittableRandom(3));
             Memory out = Dropout.apply(c, s, mask, len, 0.25)) {
            float[] host = new float[len];
            c.download(out, 0, host, 0, len);
            int kept = 0;
            for (float v : host) {
                assertTrue(v == 0f || v == 4f, "dropped to 0 or scaled 3/(1-0.25) = 4: " + v);
                if (v != 0) kept++;
            }
            assertEquals(0.75, kept / (double) len, 0.02);
        }
    }

    /** Several threads on one layer (shared weights) get the bits of a call made alone. */
    @Test
    void concurrentCallsOnOneLayerGiveTheSameBits() throws Exception {
        SplittableRandom r = Numerics.random();
        int[] lengths = {3, 5, 1};
        try (Recurrent layer = Recurrent.create(CPU, new Recurrent.Config(Kind.LSTM, 4, 6, 2, true, 0), 5);
             Tensor x = random(r, 3, 5, 4); Recurrent.Result alone = layer.inference(x, lengths, null, null)) {
            float[] expected = alone.out().toArray();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<float[]>> runs = new java.util.ArrayList<>();
                for (int i = 0; i < 16; i++)
                    runs.add(pool.submit(() -> {
                        try (Recurrent.Result res = layer.inference(x, lengths, null, null)) {
                            return res.out().toArray();
                        }
                    }));
                for (var run : runs) assertArrayEquals(expected, run.get());
            } finally {
                pool.shutdown();
            }
        }
    }

    static java.util.List<Recurrent.Weights> copy(Recurrent layer) {
        return layer.weights().stream().map(w -> new Recurrent.Weights(CPU.tensor(w.wx().toArray(), w.wx().shape()),
                CPU.tensor(w.wh().toArray(), w.wh().shape()), CPU.tensor(w.b().toArray(), w.b().shape()),
                w.bh() == null ? null : CPU.tensor(w.bh().toArray(), w.bh().shape()))).toList();
    }

    @Test
    void badCallsFailClearlyBeforeWork() {
        SplittableRandom r = Numerics.random();
        try (Recurrent rnn = Recurrent.create(CPU, new Recurrent.Config(Kind.RNN, 2, 3, 2, true, 0), 1);
             Recurrent other = Recurrent.create(CPU, new Recurrent.Config(Kind.RNN, 2, 3, 2, true, 0), 1);
             Tensor x = random(r, 2, 4, 2); Tensor h0 = random(r, 2, 2, 3)) {
            assertMessage(IllegalArgumentException.class, "lengths[1] must be in [1, T = 4] but was 5",
                    () -> rnn.forward(x, new int[]{2, 5}, null, null, 0));
            assertMessage(IllegalArgumentException.class, "lengths[0] must be in [1, T = 4] but was 0",
                    () -> rnn.inference(x, new int[]{0, 1}, null, null));
            assertMessage(IllegalArgumentException.class, "lengths must have N = 2 entries but has 3",
                    () -> rnn.inference(x, new int[]{1, 1, 1}, null, null));
            assertMessage(IllegalArgumentException.class, "h0", () -> rnn.inference(x, null, h0, null));
            assertMessage(IllegalArgumentException.class, "c0 is for the LSTM only",
                    () -> rnn.inference(x, null, null, random(r, 4, 2, 3)));
            assertMessage(IllegalArgumentException.class, "x", () -> rnn.inference(random(r, 2, 4, 3), null, null,
                    null));
            try (Recurrent.Output o = rnn.forward(x, null, null, null, 0); Tensor d = random(r, 2, 4, 6)) {
                assertMessage(IllegalArgumentException.class, "another Recurrent layer", () -> other.backward(d, null,
                        null, o.cache()));
                assertMessage(IllegalArgumentException.class, "dOut", () -> rnn.backward(random(r, 2, 4, 3), null, null,
                        o.cache()));
                o.cache().close();
                assertMessage(IllegalStateException.class, "after close", () -> rnn.backward(d, null, null, o.cache()));
            }
            assertMessage(IllegalArgumentException.class, "dropout must be in [0, 1)",
                    () -> new Recurrent.Config(Kind.LSTM, 1, 1, 2, false, 1.0));
            assertMessage(IllegalArgumentException.class, "expected 4 weight sets",
                    () -> Recurrent.of(CPU, rnn.config(), rnn.weights().subList(0, 2)));
        }
    }

    static void assertMessage(Class<? extends Throwable> type, String part,
            org.junit.jupiter.api.function.Executable call) {
        Throwable t = assertThrows(type, call);
        assertTrue(t.getMessage().contains(part), "message '" + t.getMessage() + "' should contain '" + part + "'");
    }
}
