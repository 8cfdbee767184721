package org.rnn4j.compute;

/**
 * A flat float32 buffer owned by one {@link Compute}: a Java array on the CPU, device memory on the GPU.
 * Offsets and lengths everywhere in the internal API are counted in floats, not bytes.
 * {@link #close()} is idempotent; using a closed buffer raises {@link IllegalStateException}.
 */
public abstract class Memory implements AutoCloseable {
    private final Compute owner;
    private final long floats;
    private volatile boolean closed;

    protected Memory(Compute owner, long floats) {
        this.owner = owner;
        this.floats = floats;
    }

    public final Compute owner() { return owner; }

    public final long floats() { return floats; }

    public final boolean isClosed() { return closed; }

    /** Throws if this buffer was closed; {@code what} names it in the message. */
    public final void ensureOpen(String what) {
        if (closed) throw new IllegalStateException(what + " was used after close()");
    }

    @Override
    public final void close() {
        if (closed) return;
        closed = true;
        release();
    }

    /** Frees the storage; called once. */
    protected abstract void release();
}
