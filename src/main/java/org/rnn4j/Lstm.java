package org.rnn4j;

import org.rnn4j.compute.Closeables;

/**
 * The results of the LSTM operations of {@link Backend}. Shapes, gate order (i, f, o, g) and formulas: the
 * package javadoc. Closing a result closes every component.
 */
public final class Lstm {
    private Lstm() {}

    /** Of {@link Backend#lstmStepForward}: nextH, nextC (N,H) and the cache for {@link Backend#lstmStepBackward}. */
    public record StepOutput(Tensor nextH, Tensor nextC, Cache cache) implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(nextH, nextC, cache); }
    }

    /** Of {@link Backend#lstmStepBackward}: dx (N,D), dPrevH, dPrevC (N,H), dWx (D,4H), dWh (H,4H), db (4H). */
    public record StepGradients(Tensor dx, Tensor dPrevH, Tensor dPrevC, Tensor dWx, Tensor dWh, Tensor db)
            implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(dx, dPrevH, dPrevC, dWx, dWh, db); }
    }

    /** Of {@link Backend#lstmForward}: h (N,T,H), the final cell state cT (N,H), and the cache for backward. */
    public record Output(Tensor h, Tensor cT, Cache cache) implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(h, cT, cache); }
    }

    /** Of {@link Backend#lstmInference}: h (N,T,H) and the final cell state cT (N,H); no cache. */
    public record InferenceOutput(Tensor h, Tensor cT) implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(h, cT); }
    }

    /** Of {@link Backend#lstmBackward}: dx (N,T,D), dh0, dc0 (N,H), dWx (D,4H), dWh (H,4H), db (4H). */
    public record Gradients(Tensor dx, Tensor dh0, Tensor dc0, Tensor dWx, Tensor dWh, Tensor db)
            implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(dx, dh0, dc0, dWx, dWh, db); }
    }
}
