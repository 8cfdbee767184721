package org.rnn4j;

/** Result of {@link Backend#lstmBackward}: dx (N,T,D), dh0, dc0 (N,H), dWx (D,4H), dWh (H,4H), db (4H). Closing it closes every component. */
public record LstmGradients(Tensor dx, Tensor dh0, Tensor dc0, Tensor dWx, Tensor dWh, Tensor db) implements AutoCloseable {
    @Override
    public void close() {
        Closeables.closeAll(dx, dh0, dc0, dWx, dWh, db);
    }
}
