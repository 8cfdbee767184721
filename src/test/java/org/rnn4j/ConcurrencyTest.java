package org.rnn4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One CPU backend called from several threads at once (a server running inference): 8 tasks with different
 * inputs on 4 threads, started together, for a few rounds; each task's every output and gradient must be
 * bit-identical to the same task run alone on the same backend.
 */
class ConcurrencyTest {
    static final int TASKS = 8, THREADS = 4, ROUNDS = 3;
    static final int N = 8, T = 16, D = 48, H = 40;

    @Test
    void concurrentCallsMatchTheSameCallsRunAlone() throws Exception {
        long base = Numerics.random().nextLong();
        try (Backend cpu = Backend.cpu()) {
            List<Map<String, float[]>> alone = new ArrayList<>();
            for (int k = 0; k < TASKS; k++) alone.add(AllOps.run(cpu, base + k, N, T, D, H));

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    CyclicBarrier start = new CyclicBarrier(THREADS);   // the first THREADS tasks begin together
                    List<Future<Map<String, float[]>>> futures = new ArrayList<>();
                    for (int k = 0; k < TASKS; k++) {
                        long seed = base + k;
                        boolean wait = k < THREADS;
                        futures.add(pool.submit(() -> {
                            if (wait) start.await(30, TimeUnit.SECONDS);
                            return AllOps.run(cpu, seed, N, T, D, H);
                        }));
                    }
                    for (int k = 0; k < TASKS; k++)
                        AllOps.assertBitIdentical("round " + round + ", task " + k + " (seed " + (base + k) + ")",
                                alone.get(k), futures.get(k).get(60, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }
}
