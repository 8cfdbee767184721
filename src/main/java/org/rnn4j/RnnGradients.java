package org.rnn4j;

/** Result of {@link Backend#rnnBackward}: dx (N,T,D), dh0 (N,H), dWx (D,H), dWh (H,H), db (H). Closing it closes every component. */
public record RnnGradients(Tensor dx, Tensor dh0, Tensor dWx, Tensor dWh, Tensor db) implements AutoCloseable {
    @Override
    public void close() {
        Closeables.closeAll(dx, dh0, dWx, dWh, db);
    }
}
