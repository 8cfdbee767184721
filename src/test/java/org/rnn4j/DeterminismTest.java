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
        try (Backend b = Backend.cpu()) { AllOps.assertBitIdentical("fresh backend (seed " + seed + ")", first, AllOps.run(b, seed, N, T, D, H)); }
    }

    @Test
    void differentSeedsDiffer() {
        // Guards the two tests above: a run that ignored its inputs would be "deterministic" too.
        try (Backend cpu = Backend.cpu()) {
            Map<String, float[]> a = AllOps.run(cpu, 1, 2, 3, 4, 5), b = AllOps.run(cpu, 2, 2, 3, 4, 5);
            for (String k : a.keySet())
                org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(a.get(k), b.get(k)), k + " ignores its inputs");
        }
    }
}
