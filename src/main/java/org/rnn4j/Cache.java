package org.rnn4j;

import org.rnn4j.cell.SavedState;

/**
 * What a forward pass keeps on its backend for the backward pass: the cell's saved buffers (x, every hidden
 * state and, for the LSTM, every cell state and the activated gates, for the GRU the activated gates and the
 * hidden part of n; their sizes are in the cells' Saved records)
 * and references to Wx and Wh, which must stay open until backward is done.
 *
 * <p>One type for every cell. A cache goes back only to the backward of the operation that made it (an
 * {@code lstmStepForward} cache to {@code lstmStepBackward}), on the same backend; it may serve several backward
 * calls. {@link #close()} frees it at once.
 */
public final class Cache implements AutoCloseable {
    final Backend backend;
    /** The forward operation that made it, e.g. "lstmForward"; its backward is {@code forward} → {@code backward}. */
    final String producer;
    final SavedState saved;
    final Tensor wx, wh;

    Cache(Backend backend, String producer, SavedState saved, Tensor wx, Tensor wh) {
        this.backend = backend;
        this.producer = producer;
        this.saved = saved;
        this.wx = wx;
        this.wh = wh;
    }

    public boolean isClosed() { return saved.isClosed(); }

    @Override
    public void close() { saved.close(); }

    @Override
    public String toString() {
        return "Cache(" + producer + ": N=" + saved.n() + ", T=" + saved.t() + ", D=" + saved.d() + ", H=" + saved.h()
                + ")@" + backend.name() + (isClosed() ? " (closed)" : "");
    }
}
