package org.rnn4j;

/** Result of {@link Backend#lstmStepBackward}: dx (N,D), dPrevH, dPrevC (N,H), dWx (D,4H), dWh (H,4H), db (4H). Closing it closes every component. */
public record LstmStepGradients(Tensor dx, Tensor dPrevH, Tensor dPrevC, Tensor dWx, Tensor dWh, Tensor db) implements AutoCloseable {
    @Override
    public void close() {
        Closeables.closeAll(dx, dPrevH, dPrevC, dWx, dWh, db);
    }
}
