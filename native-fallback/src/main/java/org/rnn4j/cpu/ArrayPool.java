package org.rnn4j.cpu;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The arrays of closed buffers, kept by length for the next {@code alloc} of that length. Why: the JVM zeroes
 * every new array, a pass over memory that each operation then overwrites anyway ({@code Compute.alloc} promises
 * no contents); for an LSTM's forward and backward that pass was about 7% of the time. Bounded (at most an
 * eighth of the heap, at most 256 MiB, is kept), thread-safe, and arrays below 1024 floats are not kept.
 */
final class ArrayPool {
    private static final int MIN_FLOATS = 1024;

    private final ConcurrentHashMap<Integer, ConcurrentLinkedDeque<float[]>> byLength = new ConcurrentHashMap<>();
    private final AtomicLong keptFloats = new AtomicLong();
    private final long maxFloats = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8) / Float.BYTES;
    private volatile boolean cleared;

    /** An array of {@code length} floats, of unspecified contents. */
    float[] take(int length) {
        if (length >= MIN_FLOATS) {
            ConcurrentLinkedDeque<float[]> kept = byLength.get(length);
            float[] a = kept == null ? null : kept.pollFirst();
            if (a != null) {
                keptFloats.addAndGet(-length);
                return a;
            }
        }
        return new float[length];
    }

    /** Keeps {@code a} for a later {@link #take} if it is large enough and the pool has room; its owner is closed. */
    void give(float[] a) {
        if (a.length < MIN_FLOATS || cleared) return;
        if (keptFloats.addAndGet(a.length) > maxFloats) {
            keptFloats.addAndGet(-a.length);
            return;
        }
        byLength.computeIfAbsent(a.length, n -> new ConcurrentLinkedDeque<>()).addFirst(a);
    }

    /** Floats kept now. */
    long keptFloats() { return keptFloats.get(); }

    /** Drops every kept array and keeps none from now on (the backend is closed). */
    void clear() {
        cleared = true;
        byLength.clear();
        keptFloats.set(0);
    }
}
