package org.rnn4j.cpu;

import java.util.Arrays;

/**
 * What one hand-off to the CPU backend's workers costs: {@link Parallel#run} of two empty parts (the caller and one
 * worker) in a loop, as a batch too small for row blocks (fewer than 16 rows) does twice per time step. Prints the
 * median over rounds of the microseconds per round trip. Usage: HandoffMain [rounds].
 */
public final class HandoffMain {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9, calls = 100_000;
        int[] sink = new int[2];
        double[] us = new double[rounds];
        try (Parallel pool = Parallel.pool(2)) {
            for (int i = 0; i < calls; i++) Parallel.run(pool, 2, p -> sink[p]++); // warm-up
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) Parallel.run(pool, 2, p -> sink[p]++);
                us[r] = (System.nanoTime() - t0) / 1e3 / calls;
            }
        }
        Arrays.sort(us);
        System.out.printf("hand-off round trip, 2 threads: median %.2f us, best %.2f us (%d rounds of %d)%n",
                us[rounds / 2], us[0], rounds, calls);
    }
}
