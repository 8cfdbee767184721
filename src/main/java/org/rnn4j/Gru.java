package org.rnn4j;

import org.rnn4j.compute.Closeables;

/**
 * The results of the GRU operations of {@link Backend}. Shapes, gate order (r, z, n), the two biases and the
 * formulas: the package javadoc. Closing a result closes every component.
 */
public final class Gru {
    private Gru() {}

    /** Of {@link Backend#gruStepForward}: nextH (N,H) and the cache for {@link Backend#gruStepBackward}. */
    public record StepOutput(Tensor nextH, Cache cache) implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(nextH, cache); }
    }

    /** Of {@link Backend#gruStepBackward}: dx (N,D), dPrevH (N,H), dWx (D,3H), dWh (H,3H), dbx, dbh (3H). */
    public record StepGradients(Tensor dx, Tensor dPrevH, Tensor dWx, Tensor dWh, Tensor dbx, Tensor dbh)
            implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(dx, dPrevH, dWx, dWh, dbx, dbh); }
    }

    /** Of {@link Backend#gruForward}: h (N,T,H), every hidden state, and the cache for {@link Backend#gruBackward}. */
    public record Output(Tensor h, Cache cache) implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(h, cache); }
    }

    /** Of {@link Backend#gruBackward}: dx (N,T,D), dh0 (N,H), dWx (D,3H), dWh (H,3H), dbx, dbh (3H). */
    public record Gradients(Tensor dx, Tensor dh0, Tensor dWx, Tensor dWh, Tensor dbx, Tensor dbh)
            implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(dx, dh0, dWx, dWh, dbx, dbh); }
    }
}
