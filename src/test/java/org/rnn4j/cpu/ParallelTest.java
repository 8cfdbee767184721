package org.rnn4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Parallel}: every part of every job runs exactly once, whoever claims it (a worker, or the caller
 * taking over a part no worker has claimed yet), over many back-to-back jobs of varied sizes and durations;
 * a failing part's exception reaches the caller and the pool keeps working afterwards.
 */
class ParallelTest {

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {2, 3, 4})
    void everyPartRunsExactlyOnce(int threads) {
        try (Parallel pool = Parallel.pool(threads)) {
            for (int job = 0; job < 3000; job++) {
                int parts = 1 + job % threads, work = job % 7 == 0 ? 20_000 : 0;
                AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                Parallel.run(pool, parts, p -> {
                    // some jobs take long enough for every worker to wake; most end before a parked one does
                    double x = 0;
                    for (int i = 0; i < work; i++) x += Math.sqrt(i + p);
                    if (x < 0) throw new AssertionError();
                    runs.incrementAndGet(p);
                });
                for (int p = 0; p < parts; p++) assertEquals(1, runs.get(p), "job " + job + " part " + p);
            }
        }
    }

    @ParameterizedTest(name = "failing part {0}")
    @ValueSource(ints = {0, 1})
    void aFailingPartReachesTheCallerAndThePoolKeepsWorking(int failing) {
        try (Parallel pool = Parallel.pool(2)) {
            IllegalStateException boom = new IllegalStateException("boom");
            for (int job = 0; job < 50; job++) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.run(pool, 2, p -> {
                    if (p == failing) throw boom;
                }));
                assertSame(boom, e);
                AtomicIntegerArray runs = new AtomicIntegerArray(2);
                Parallel.run(pool, 2, runs::incrementAndGet);
                assertEquals(1, runs.get(0));
                assertEquals(1, runs.get(1));
            }
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {2, 3})
    void aRunInsideAPartRunsEveryPartOnceOnItsOwnThread(int threads) {
        // the caller's own part (which holds the pool) and the workers' parts both nest: one thread each
        try (Parallel pool = Parallel.pool(threads)) {
            assertEquals(threads, Parallel.free(pool));
            for (int job = 0; job < 500; job++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(threads * threads);
                AtomicIntegerArray elsewhere = new AtomicIntegerArray(1), free = new AtomicIntegerArray(1);
                Parallel.run(pool, threads, p -> {
                    Thread mine = Thread.currentThread();
                    if (Parallel.free(pool) != 1) free.incrementAndGet(0);
                    Parallel.run(pool, threads, q -> {
                        if (Thread.currentThread() != mine) elsewhere.incrementAndGet(0);
                        runs.incrementAndGet(p * threads + q);
                    });
                });
                for (int i = 0; i < threads * threads; i++) assertEquals(1, runs.get(i), "job " + job + " part " + i);
                assertEquals(0, elsewhere.get(0), "nested parts ran on another thread");
                assertEquals(0, free.get(0), "free() inside a part was not 1");
            }
            assertEquals(threads, Parallel.free(pool));
        }
    }
}
