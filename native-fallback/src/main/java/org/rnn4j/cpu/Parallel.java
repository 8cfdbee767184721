package org.rnn4j.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Runs parts 0..parts-1 of a job: part 0 on the calling thread, the others on the pool's workers. The pool
 * holds threads-1 workers, so caller plus workers never exceed the thread count asked for, and the caller does
 * not sit idle waiting for a worker to wake up (a per-timestep operation costs tens of microseconds).
 * Callers cut their work so that every element's result is independent of the cut.
 */
final class Parallel {
    private Parallel() {}

    /** The thread count a pool stands for: its workers plus the caller. */
    static int threads(ForkJoinPool pool) { return pool == null ? 1 : pool.getParallelism() + 1; }

    /** A pool of threads-1 workers, or null for one thread. */
    static ForkJoinPool pool(int threads) { return threads <= 1 ? null : new ForkJoinPool(threads - 1); }

    static void run(ForkJoinPool pool, int parts, IntConsumer part) {
        if (parts <= 1 || pool == null) {
            for (int p = 0; p < parts; p++) part.accept(p);
            return;
        }
        RecursiveAction[] jobs = new RecursiveAction[parts - 1];
        for (int p = 1; p < parts; p++) {
            int index = p;
            jobs[p - 1] = new RecursiveAction() {
                @Override
                protected void compute() { part.accept(index); }
            };
        }
        if (ForkJoinTask.getPool() == pool) {
            // already on a worker (nested call): fork into this pool and help
            for (RecursiveAction j : jobs) j.fork();
            part.accept(0);
            for (RecursiveAction j : jobs) j.join();
            return;
        }
        for (RecursiveAction j : jobs) pool.execute(j);
        Throwable failure = null;
        try {
            part.accept(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (RecursiveAction j : jobs) {
            try {
                j.join();
            } catch (RuntimeException | Error e) {
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
    }
}
