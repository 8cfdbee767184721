package org.rnn4j.cell;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.AllOps;
import org.rnn4j.Backend;
import org.rnn4j.Numerics;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.extension.Extension;

/**
 * The CPU backend gives the same bits on 1, 2, 3 and 4 threads: a recurrence's row blocks
 * ({@link Compute#rowBlocks}, one per thread, each running all steps), the products' column cuts and the pointwise
 * cuts never change a result. Batches of 9-32 rows give one to four blocks of unequal sizes; the variable-length
 * cases end examples inside a block and across block boundaries.
 */
class ThreadCountTest {

    @ParameterizedTest(name = "N={0} T={1} D={2} H={3}")
    @CsvSource({"20,9,12,24", "32,5,8,16", "9,4,5,33", "1,6,7,40"})
    void everyOperationIsBitIdenticalOnOneToFourThreads(int n, int t, int d, int h) {
        long seed = Numerics.random().nextLong();
        Map<String, float[]> one = allOps(1, seed, n, t, d, h);
        for (int threads = 2; threads <= 4; threads++)
            AllOps.assertBitIdentical(threads + " threads (seed " + seed + ")", one, allOps(threads, seed, n, t, d, h));
    }

    @ParameterizedTest(name = "N={0} lengths {1}")
    @CsvSource({"24,'6 6 5 5 3 3 3 3 3 3 3 3 3 3 3 3 2 2 2 2 2 1 1 1'", "17,'5 5 5 5 5 5 5 5 4 4 4 4 1 1 1 1 1'"})
    void variableLengthBatchesAreBitIdenticalOnOneToFourThreads(int n, String lengths) {
        String[] parts = lengths.split(" ");
        int t = Integer.parseInt(parts[0]);
        int[] batch = new int[t];   // rows running at each step: examples sorted longest first
        for (String p : parts) for (int s = 0; s < Integer.parseInt(p); s++) batch[s]++;
        long seed = Numerics.random().nextLong();
        Map<String, float[]> one = ragged(1, seed, n, t, batch);
        for (int threads = 2; threads <= 4; threads++)
            AllOps.assertBitIdentical(threads + " threads (seed " + seed + ")", one,
                    ragged(threads, seed, n, t, batch));
        Map<String, float[]> other = ragged(1, seed + 1, n, t, batch);
        for (String k : one.keySet())
            assertFalse(java.util.Arrays.equals(one.get(k), other.get(k)), k + " ignores its inputs");
    }

    private static Map<String, float[]> allOps(int threads, long seed, int n, int t, int d, int h) {
        try (Backend b = Extension.backend(new CpuCompute(threads), threads + " threads")) {
            Map<String, float[]> out = AllOps.run(b, seed, n, t, d, h);
            out.putAll(lstmInference(b, seed, n, t, d, h));
            return out;
        }
    }

    /** lstmInference (not in AllOps): its row blocks run a few steps at a time. */
    private static Map<String, float[]> lstmInference(Backend b, long seed, int n, int t, int d, int h) {
        SplittableRandom r = new SplittableRandom(seed);
        int g = 4 * h;
        try (var x = b.tensor(Numerics.uniform(r, n * t * d, 1), n, t, d);
             var h0 = b.tensor(Numerics.uniform(r, n * h, 1), n, h);
             var c0 = b.tensor(Numerics.uniform(r, n * h, 1), n, h);
             var wx = b.tensor(Numerics.uniform(r, d * g, 0.5), d, g);
             var wh = b.tensor(Numerics.uniform(r, h * g, 0.5), h, g);
             var bias = b.tensor(Numerics.uniform(r, g, 0.5), g);
             var o = b.lstmInference(x, h0, c0, wx, wh, bias)) {
            return Map.of("lstmInference.h", o.h().toArray(), "lstmInference.cT", o.cT().toArray());
        }
    }

    /** The three cells' variable-length forward and backward on a CpuCompute of {@code threads} threads. */
    private static Map<String, float[]> ragged(int threads, long seed, int n, int t, int[] batch) {
        int d = 7, h = 24;
        CpuCompute c = new CpuCompute(threads);
        List<Memory> all = new ArrayList<>();
        Map<String, float[]> out = new LinkedHashMap<>();
        try {
            SplittableRandom r = new SplittableRandom(seed);
            Memory x = up(c, all, r, n * t * d), h0 = up(c, all, r, n * h), c0 = up(c, all, r, n * h);
            Memory dh = up(c, all, r, n * t * h), dhT = up(c, all, r, n * h), dcT = up(c, all, r, n * h);
            Memory lwx = up(c, all, r, d * 4 * h), lwh = up(c, all, r, h * 4 * h), lb = up(c, all, r, 4 * h);
            LstmCell.Forward lf = LstmCell.forward(c, t, n, d, h, batch, x, h0, c0, lwx, lwh, lb);
            LstmCell.Gradients lg = LstmCell.backward(c, lf.saved(), dh, dhT, dcT, lwx, lwh);
            put(c, out, "lstm", lf.h(), lf.cT(), lg.dx(), lg.dh0(), lg.dc0(), lg.dwx(), lg.dwh(), lg.db());
            lf.saved().close();
            Memory rwx = up(c, all, r, d * h), rwh = up(c, all, r, h * h), rb = up(c, all, r, h);
            RnnCell.Forward rf = RnnCell.forward(c, t, n, d, h, batch, x, h0, rwx, rwh, rb);
            RnnCell.Gradients rg = RnnCell.backward(c, rf.saved(), dh, dhT, rwx, rwh);
            put(c, out, "rnn", rf.h(), rg.dx(), rg.dh0(), rg.dwx(), rg.dwh(), rg.db());
            rf.saved().close();
            Memory gwx = up(c, all, r, d * 3 * h), gwh = up(c, all, r, h * 3 * h);
            Memory gbx = up(c, all, r, 3 * h), gbh = up(c, all, r, 3 * h);
            GruCell.Forward gf = GruCell.forward(c, t, n, d, h, batch, x, h0, gwx, gwh, gbx, gbh);
            GruCell.Gradients gg = GruCell.backward(c, gf.saved(), dh, dhT, gwx, gwh);
            put(c, out, "gru", gf.h(), gg.dx(), gg.dh0(), gg.dwx(), gg.dwh(), gg.dbx(), gg.dbh());
            gf.saved().close();
            return out;
        } finally {
            all.forEach(Memory::close);
            c.shutdown();
        }
    }

    private static Memory up(Compute c, List<Memory> all, SplittableRandom r, int len) {
        Memory m = c.upload(Numerics.uniform(r, len, 1));
        all.add(m);
        return m;
    }

    private static void put(Compute c, Map<String, float[]> out, String op, Memory... ms) {
        for (int i = 0; i < ms.length; i++) {
            float[] host = new float[(int) ms[i].floats()];
            c.download(ms[i], 0, host, 0, host.length);
            for (float v : host) assertFalse(Float.isNaN(v), op + " output " + i + " holds NaN");
            out.put(op + "." + i, host);
            ms[i].close();
        }
    }
}
