package org.rnn4j.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The CPU backend's threads: the calling thread plus threads-1 workers, so caller and workers never exceed the
 * thread count asked for. A job is cut into parts; the caller runs part 0, worker w runs part w.
 *
 * <p>Why not a ForkJoinPool: a recurrent cell runs a parallel product every timestep, some tens of
 * microseconds apart. Pool workers park when idle, and waking one costs about as much as its share of a small
 * product. These workers spin (Thread.onSpinWait) for {@link #SPIN_NANOS} after each job before they park,
 * as OpenMP runtimes do. One job at a time: a caller that finds the workers busy (another thread, or a nested
 * call from a part) runs all parts itself; {@link #free} tells a caller inside a part that it has one thread, so it
 * does not cut its work for threads it will not get. Callers cut work so that results never depend on the cut.
 *
 * <p>Each part is claimed once (compare-and-set) by whoever runs it: worker w claims part w when it wakes, and
 * the caller, after its own part, claims and runs the parts no worker has claimed yet. So a worker that is late
 * (descheduled on a busy machine, or parked) delays nothing: the caller does its share instead of waiting for
 * it. Which thread runs a part never changes its result.
 */
public final class Parallel implements AutoCloseable {
    static final long SPIN_NANOS = 200_000;

    private final Thread[] workers;
    private final ReentrantLock busy = new ReentrantLock();
    private final AtomicInteger remaining = new AtomicInteger();
    /** One job, published whole through one volatile write so a worker never mixes two jobs' fields. */
    private record Task(long generation, IntConsumer job, int parts, AtomicIntegerArray claimed) {}

    private volatile Task task = new Task(0, null, 0, new AtomicIntegerArray(0));
    private volatile boolean closed;
    private volatile Throwable failure;

    private Parallel(int threads) {
        workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            int index = w + 1;
            workers[w] = new Worker(this, () -> work(index), "rnn4j-cpu-" + index);
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    /** Workers for {@code threads} threads in all, or null for one thread (everything runs on the caller). */
    static Parallel pool(int threads) { return threads <= 1 ? null : new Parallel(threads); }

    /** The thread count a pool stands for: its workers plus the caller. */
    static int threads(Parallel pool) { return pool == null ? 1 : pool.workers.length + 1; }

    /** A pool's worker thread: lets {@link #free} see that a call comes from inside a part. */
    private static final class Worker extends Thread {
        final Parallel pool;

        Worker(Parallel pool, Runnable body, String name) {
            super(body, name);
            this.pool = pool;
        }
    }

    /**
     * The threads a call made now can use: threads(pool), or 1 inside a part of a job (a worker's part, or the
     * caller's own while it dispatches), where a nested {@link #run} runs every part on the calling thread.
     */
    static int free(Parallel pool) {
        if (pool == null) return 1;
        if (pool.busy.isHeldByCurrentThread()) return 1;
        return Thread.currentThread() instanceof Worker w && w.pool == pool ? 1 : threads(pool);
    }

    /** Runs parts 0..parts-1 (parts at most threads(pool)); returns when all are done; rethrows a part's failure. */
    static void run(Parallel pool, int parts, IntConsumer part) {
        if (parts <= 1 || free(pool) == 1 || parts > threads(pool) || !pool.busy.tryLock()) {
            for (int p = 0; p < parts; p++) part.accept(p);
            return;
        }
        try {
            pool.dispatch(parts, part);
        } finally {
            pool.busy.unlock();
        }
    }

    private void dispatch(int n, IntConsumer part) {
        if (closed) throw new IllegalStateException("the CPU backend was closed");
        failure = null;
        remaining.set(n - 1);
        Task t0 = new Task(task.generation() + 1, part, n, new AtomicIntegerArray(n));
        task = t0;
        for (int w = 0; w < n - 1; w++) LockSupport.unpark(workers[w]);
        Throwable mine = null;
        try {
            part.accept(0);
        } catch (RuntimeException | Error e) {
            mine = e;
        }
        for (int p = 1; p < n; p++) {
            if (!t0.claimed().compareAndSet(p, 0, 1)) continue;
            try {
                part.accept(p);
            } catch (RuntimeException | Error e) {
                if (mine == null) mine = e;
            } finally {
                remaining.decrementAndGet();
            }
        }
        // the parts left are running on workers; yield now and then in case one waits for this CPU
        for (int spins = 0; remaining.get() > 0; spins++) {
            if ((spins & 1023) == 1023) Thread.yield();
            else Thread.onSpinWait();
        }
        Throwable t = mine != null ? mine : failure;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
    }

    private void work(int index) {
        long seen = 0;
        while (true) {
            long deadline = System.nanoTime() + SPIN_NANOS;
            int spins = 0;
            Task t;
            while ((t = task).generation() == seen && !closed) {
                if (deadline != 0) {
                    Thread.onSpinWait();
                    if ((++spins & 63) == 0 && System.nanoTime() > deadline) deadline = 0;
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) return;
            seen = t.generation();
            if (index < t.parts() && t.claimed().compareAndSet(index, 0, 1)) {
                try {
                    t.job().accept(index);
                } catch (RuntimeException | Error e) {
                    failure = e;
                } finally {
                    remaining.decrementAndGet();
                }
            }
        }
    }

    /** Stops the workers (idempotent). */
    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) LockSupport.unpark(t);
    }
}
