package org.rnn4j;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two identical runs give bit-identical outputs and gradients: no atomics, no order-dependent reductions. */
class DeterminismTest {
    // Large enough that the GEMMs split work across the pool's threads (where nondeterminism would come from).
    static final int N = 16, T = 24, D = 96, H = 80;

    @Test
    void sameBackendTwiceIsBitIdentical() {
        long seed = Numerics.random().nextLong();
        try (Backend cpu = Backend.cpu()) {
            Map<String, float[]> first = AllOps.run(cpu, seed, N, T, D, H);
            AllOps.assertBitIdentical("second run (seed " + seed + ")", first, AllOps.run(cpu, seed, N, T, D, H));
        }
    }

    @Test
    void twoBackendsAreBitIdentical() {
        long seed = Numerics.random().nextLong();
        Map<String, float[]> first;
        try (Backend a = Backend.cpu()) { first = AllOps.run(a, seed, N, T, D, H); }
        try (Backend b = Backend.cpu()) { AllOps.assertBitIdentical("fresh backend (seed " + seed + ")", first,
                AllOps.run(b, seed, N, T, D, H)); }
    }

    @Test
    void oneCacheServesTwoBackwardCallsAlike() {
        // The javadoc promises a cache can be reused: backward must not consume or modify it.
        java.util.SplittableRandom r = Numerics.random();
        int n = 3, t = 7, d = 5, h = 6, g = 4 * h;
        try (Backend cpu = Backend.cpu(); Tensor x = cpu.tensor(Numerics.uniform(r, n * t * d, 1), n, t, d);
             Tensor h0 = cpu.tensor(Numerics.uniform(r, n * h, 1), n, h);
             Tensor c0 = cpu.tensor(Numerics.uniform(r, n * h, 1), n, h);
             Tensor wx = cpu.tensor(Numerics.uniform(r, d * g, 0.5), d, g);
             Tensor wh = cpu.tensor(Numerics.uniform(r, h * g, 0.5), h, g);
             Tensor b = cpu.tensor(Numerics.uniform(r, g, 0.5), g);
             Tensor dh = cpu.tensor(Numerics.uniform(r, n * t * h, 1), n, t, h);
             Tensor dcT = cpu.tensor(Numerics.uniform(r, n * h, 1), n, h);
             Lstm.Output o = cpu.lstmForward(x, h0, c0, wx, wh, b);
             Lstm.Gradients g1 = cpu.lstmBackward(dh, dcT, o.cache());
             Lstm.Gradients g2 = cpu.lstmBackward(dh, dcT, o.cache())) {
            Tensor[] a = {g1.dx(), g1.dh0(), g1.dc0(), g1.dWx(), g1.dWh(), g1.db()},
                    c = {g2.dx(), g2.dh0(), g2.dc0(), g2.dWx(), g2.dWh(), g2.db()};
            for (int i = 0; i < a.length; i++) org.junit.jupiter.api.Assertions.assertArrayEquals(a[i].toArray(),
                    c[i].toArray(), "gradient " + i);
        }
    }

    @Test
    void oneGruCacheServesTwoBackwardCallsAlike() {
        // GRU backward reads the saved gates and hn and writes only its own buffers.
        java.util.SplittableRandom r = Numerics.random();
        int n = 3, t = 7, d = 5, h = 6, g = 3 * h;
        try (Backend cpu = Backend.cpu(); Tensor x = cpu.tensor(Numerics.uniform(r, n * t * d, 1), n, t, d);
             Tensor h0 = cpu.tensor(Numerics.uniform(r, n * h, 1), n, h);
             Tensor wx = cpu.tensor(Numerics.uniform(r, d * g, 0.5), d, g);
             Tensor wh = cpu.tensor(Numerics.uniform(r, h * g, 0.5), h, g);
             Tensor bx = cpu.tensor(Numerics.uniform(r, g, 0.5), g);
             Tensor bh = cpu.tensor(Numerics.uniform(r, g, 0.5), g);
             Tensor dh = cpu.tensor(Numerics.uniform(r, n * t * h, 1), n, t, h);
             Gru.Output o = cpu.gruForward(x, h0, wx, wh, bx, bh);
             Gru.Gradients g1 = cpu.gruBackward(dh, o.cache()); Gru.Gradients g2 = cpu.gruBackward(dh, o.cache())) {
            Tensor[] a = {g1.dx(), g1.dh0(), g1.dWx(), g1.dWh(), g1.dbx(), g1.dbh()},
                    c = {g2.dx(), g2.dh0(), g2.dWx(), g2.dWh(), g2.dbx(), g2.dbh()};
            for (int i = 0; i < a.length; i++) org.junit.jupiter.api.Assertions.assertArrayEquals(a[i].toArray(),
                    c[i].toArray(), "gradient " + i);
        }
    }

    @Test
    void differentSeedsDiffer() {
        // Guards the two tests above: a run that ignored its inputs would be "deterministic" too.
        try (Backend cpu = Backend.cpu()) {
            Map<String, float[]> a = AllOps.run(cpu, 1, 2, 3, 4, 5), b = AllOps.run(cpu, 2, 2, 3, 4, 5);
            for (String k : a.keySet())
                org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(a.get(k), b.get(k)), k
                        + " ignores its inputs");
        }
    }
}
