package org.rnn4j.compute;

import java.util.ArrayList;
import java.util.List;

/**
 * Allocation scope for one operation: buffers allocated here are freed when the scope closes unless kept.
 * So an operation that fails half way (out of memory, a CUDA error) leaks nothing and returns nothing.
 */
public final class Scope implements AutoCloseable {
    private final Compute compute;
    private final List<Memory> owned = new ArrayList<>();

    public Scope(Compute compute) { this.compute = compute; }

    public Memory alloc(long floats) {
        Memory m = compute.alloc(floats);
        owned.add(m);
        return m;
    }

    /**
     * Takes over buffers allocated elsewhere (a cell's results): freed on {@link #close()} unless kept. A buffer
     * the scope already owns is not added twice.
     */
    public void adopt(Memory... buffers) {
        for (Memory m : buffers) if (m != null && !owned.contains(m)) owned.add(m);
    }

    /** Marks buffers as results: they survive {@link #close()}. */
    public void keep(Memory... results) {
        for (Memory m : results) owned.remove(m);
    }

    @Override
    public void close() {
        for (Memory m : owned) m.close();
        owned.clear();
    }
}
