package org.rnn4j;

/** Result of {@link Backend#rnnStepBackward}: dx (N,D), dPrevH (N,H), dWx (D,H), dWh (H,H), db (H). Closing it closes every component. */
public record RnnStepGradients(Tensor dx, Tensor dPrevH, Tensor dWx, Tensor dWh, Tensor db) implements AutoCloseable {
    @Override
    public void close() {
        Closeables.closeAll(dx, dPrevH, dWx, dWh, db);
    }
}
