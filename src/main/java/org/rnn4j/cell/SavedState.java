package org.rnn4j.cell;

/**
 * What a cell's forward pass leaves on the backend for its backward pass: the sizes of the call and the buffers
 * the cell chose to keep. Each cell defines its own (it alone knows its layout); closing it frees the buffers.
 */
public sealed interface SavedState extends AutoCloseable permits RnnCell.Saved, LstmCell.Saved, GruCell.Saved {
    /** Batch size N. */
    int n();

    /** Time steps T (1 for a step call). */
    int t();

    /** Input size D. */
    int d();

    /** Hidden size H. */
    int h();

    boolean isClosed();

    /** Frees the buffers; idempotent. */
    @Override
    void close();
}
