package org.rnn4j;

import org.rnn4j.compute.Closeables;

/**
 * The results of the vanilla RNN operations of {@link Backend}. Shapes and formulas: the package javadoc.
 * Closing a result closes every component.
 */
public final class Rnn {
    private Rnn() {}

    /** Of {@link Backend#rnnStepForward}: nextH (N,H) and the cache for {@link Backend#rnnStepBackward}. */
    public record StepOutput(Tensor nextH, Cache cache) implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(nextH, cache); }
    }

    /** Of {@link Backend#rnnStepBackward}: dx (N,D), dPrevH (N,H), dWx (D,H), dWh (H,H), db (H). */
    public record StepGradients(Tensor dx, Tensor dPrevH, Tensor dWx, Tensor dWh, Tensor db) implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(dx, dPrevH, dWx, dWh, db); }
    }

    /** Of {@link Backend#rnnForward}: h (N,T,H), every hidden state, and the cache for {@link Backend#rnnBackward}. */
    public record Output(Tensor h, Cache cache) implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(h, cache); }
    }

    /** Of {@link Backend#rnnBackward}: dx (N,T,D), dh0 (N,H), dWx (D,H), dWh (H,H), db (H). */
    public record Gradients(Tensor dx, Tensor dh0, Tensor dWx, Tensor dWh, Tensor db) implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(dx, dh0, dWx, dWh, db); }
    }
}
